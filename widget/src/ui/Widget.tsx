import { useEffect, useState } from 'preact/hooks';
import { isLive } from '../core/state-machine.ts';
import { useController, useSnapshot } from './context.ts';
import { Controls } from './Controls.tsx';

type PanelModule = typeof import('./panel/index.tsx');
let panelLoad: Promise<PanelModule> | null = null;
/** Loads the in-call panel (shared by every widget on the page). */
export const loadPanel = (): Promise<PanelModule> => (panelLoad ??= import('./panel/index.tsx'));

/**
 * The widget: the talk button; once a call starts, a card with the state (a live region), errors,
 * and the lazily loaded panel (visualizer, captions, text input, latency).
 */
export function Widget() {
  const c = useController();
  const s = useSnapshot();
  const t = c.strings;
  const [panel, setPanel] = useState<PanelModule | null>(null);
  const open = s.state !== 'idle';
  useEffect(() => {
    if (open && !panel) void loadPanel().then(setPanel, () => {});
  }, [open, panel]);
  const live = isLive(s.state);
  return (
    <div
      class="vw"
      data-state={s.state}
      data-agent-audible={String(s.agentAudible)}
      data-mic={s.mic}
      onPointerEnter={() => void loadPanel().catch(() => {})}
      onFocusIn={() => void loadPanel().catch(() => {})}
    >
      {open && (
        <section class="vw-card" aria-label={t.talk}>
          <header class="vw-head">
            {panel && <panel.Visualizer />}
            <p class="vw-state" data-testid="state" role="status">
              {t[s.state]}
            </p>
            {!live && (
              <button class="vw-icon vw-close" type="button" aria-label={t.close} data-testid="close" onClick={() => c.reset()}>
                ×
              </button>
            )}
          </header>
          {s.error && (
            <p class="vw-error" role="alert" data-testid="error" data-code={s.error.code}>
              {t[s.error.stringKey]}
              {s.error.serverMessage && (
                <span class="vw-detail" data-testid="error-detail">
                  {s.error.serverMessage}
                </span>
              )}
            </p>
          )}
          {s.notice && live && (
            <p class="vw-notice" role="alert" data-testid="notice" data-code={s.notice.code}>
              {t[s.notice.stringKey]}
              {s.notice.serverMessage && <span class="vw-detail">{s.notice.serverMessage}</span>}
            </p>
          )}
          {panel && <panel.PanelBody />}
        </section>
      )}
      <Controls />
    </div>
  );
}
