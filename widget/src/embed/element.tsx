import { render } from 'preact';
import { styles } from '../ui/styles.ts';
import { Widget } from '../ui/Widget.tsx';

/** Base URL of the widget build (this module's folder), for the lazy chunks and VAD assets. */
const BUILD_BASE = new URL('.', import.meta.url);

/**
 * `<voice-agent agent="acme" server="https://voice.example.com">`: the widget in a Shadow DOM,
 * so the host page's CSS cannot reach it and its CSS cannot leak out.
 * `server` defaults to the origin the widget was loaded from.
 * Events for the host page: `voice-agent:state|latency|error|ended|agent-audio` (CustomEvent, bubbles).
 */
export class VoiceAgentElement extends HTMLElement {
  connectedCallback(): void {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = styles;
    root.appendChild(style);
    const mountPoint = document.createElement('div');
    root.appendChild(mountPoint);
    const agent = this.getAttribute('agent') ?? 'default';
    const serverUrl = this.getAttribute('server') ?? BUILD_BASE.origin;
    render(
      <Widget
        emit={(type, detail) =>
          this.dispatchEvent(new CustomEvent(`voice-agent:${type}`, { detail, bubbles: true, composed: true }))
        }
        createSession={async () => {
          const { VoiceSession } = await import('../session/voice-session.ts');
          return new VoiceSession({ serverUrl, agent, vadAssetBase: new URL('vad/', BUILD_BASE).href });
        }}
      />,
      mountPoint,
    );
  }
}
