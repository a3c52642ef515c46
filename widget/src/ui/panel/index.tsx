/**
 * The in-call part of the UI, loaded with the call machinery (hover/focus prefetch or click) to
 * keep the pre-click bundle small: visualizer, captions, text input, latency panel, and their styles.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { isLive } from '../../core/state-machine.ts';
import { useController, useSnapshot } from '../context.ts';
import { CaptionList } from './CaptionList.tsx';
import { LatencyPanel } from './LatencyPanel.tsx';
import { panelStyles } from './styles.ts';
import { TextInput } from './TextInput.tsx';
export { Visualizer } from './Visualizer.tsx';

let sheet: CSSStyleSheet | null = null;

/** Adds the panel's stylesheet to the widget's shadow root once. */
function usePanelStyles(ref: { current: HTMLElement | null }) {
  useLayoutEffect(() => {
    const root = ref.current?.getRootNode();
    if (!(root instanceof ShadowRoot)) return;
    try {
      sheet ??= new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(panelStyles);
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } catch {
      if (!root.querySelector('style[data-panel]')) {
        const style = document.createElement('style');
        style.dataset.panel = '';
        style.textContent = panelStyles;
        root.appendChild(style);
      }
    }
  }, []);
}

/** Captions, text fallback and latency panel under the card's header. */
export function PanelBody() {
  const c = useController();
  const s = useSnapshot();
  const ref = useRef<HTMLDivElement>(null);
  usePanelStyles(ref);
  return (
    <div class="vw-body" ref={ref}>
      {isLive(s.state) && s.state !== 'connecting' && (
        <p class="vw-with" data-testid="talking-to" data-who={s.talkingTo.who}>
          {c.strings.talkingTo} <b>{s.talkingTo.who === 'person' ? (s.talkingTo.name ?? c.strings.person) : c.strings.aiAssistant}</b>
        </p>
      )}
      {c.options.showCaptions && <CaptionList />}
      {isLive(s.state) && s.state !== 'connecting' && <TextInput />}
      {c.options.showLatency && <LatencyPanel />}
    </div>
  );
}
