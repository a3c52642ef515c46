/**
 * ESM entry of the widget build (`widget.mjs`). Defines `<voice-agent>` and mounts a floating
 * widget for each `<script src=".../voice-widget.js" data-agent="…">` that queued itself.
 */
import { VoiceAgentElement } from './element.tsx';

interface QueuedScript {
  agent: string;
  server?: string;
}
declare global {
  interface Window {
    /** Before this module loads: an array the loader pushed to. After: an object whose push mounts. */
    __voiceWidget?: { push(cfg: QueuedScript): unknown };
  }
}

if (!customElements.get('voice-agent')) customElements.define('voice-agent', VoiceAgentElement);

const mountFloating = (cfg: QueuedScript) => {
  const el = document.createElement('voice-agent');
  el.setAttribute('agent', cfg.agent);
  if (cfg.server) el.setAttribute('server', cfg.server);
  el.setAttribute('floating', '');
  document.body.appendChild(el);
};
const queued = Array.isArray(window.__voiceWidget) ? (window.__voiceWidget as QueuedScript[]) : [];
window.__voiceWidget = { push: mountFloating };
queued.forEach(mountFloating);
