import { useEffect, useRef } from 'preact/hooks';
import { isLive } from '../core/state-machine.ts';
import { useController, useSnapshot } from './context.ts';

const MicIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" class="vw-svg">
    <path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z" />
  </svg>
);

/** Talk / end / retry button and the mute toggle. Hover or focus warms the call up (code and session). */
export function Controls() {
  const c = useController();
  const s = useSnapshot();
  const t = c.strings;
  const live = isLive(s.state);
  const retry = s.state === 'error' && s.error?.retryable;
  const main = useRef<HTMLButtonElement>(null);
  // After a failure, focus goes to the (retry) button so keyboard users land on the way forward.
  useEffect(() => {
    if (s.state === 'error') main.current?.focus();
  }, [s.state]);
  const label = live ? t.end : retry ? t.retry : t.talk;
  return (
    <div class="vw-controls">
      {live && s.mic !== 'denied' && s.mic !== 'missing' && s.mic !== 'failed' && (
        <button
          class="vw-icon vw-mute"
          type="button"
          data-testid="mute"
          aria-pressed={s.mic === 'muted'}
          aria-label={s.mic === 'muted' ? t.unmute : t.mute}
          title={s.mic === 'muted' ? t.unmute : t.mute}
          onClick={() => c.mute()}
        >
          <MicIcon />
        </button>
      )}
      <button
        ref={main}
        type="button"
        class={`vw-talk ${live ? 'vw-end' : ''}`}
        data-testid={retry ? 'retry' : 'talk'}
        onPointerEnter={() => c.warmUp()}
        onFocus={() => c.warmUp()}
        onClick={() => void (live ? c.end() : c.start())}
      >
        {!live && <MicIcon />}
        <span>{label}</span>
      </button>
    </div>
  );
}
