import { useEffect, useRef } from 'preact/hooks';
import { isLive } from '../../core/state-machine.ts';
import { useController, useSnapshot } from '../context.ts';

const BARS = [0.6, 0.85, 1, 0.85, 0.6];
/** Bars are redrawn at most this often, ms: 20 fps looks the same and costs a third of 60 fps (phones). */
const FRAME_MS = 50;

/**
 * Five bars following the agent's level while it speaks, the caller's otherwise (rAF: pauses in
 * hidden tabs; at most every {@link FRAME_MS}, and the DOM is only touched when the level moved).
 */
export function Visualizer() {
  const c = useController();
  const { state } = useSnapshot();
  const bars = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!isLive(state)) return;
    let raf = 0;
    let drawnAt = 0;
    let shown = -1;
    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      if (now - drawnAt < FRAME_MS) return;
      drawnAt = now;
      const lv = c.levels();
      const level = Math.min(1, (state === 'speaking' ? lv.agent : lv.mic) * 2);
      const el = bars.current;
      if (!el || Math.abs(level - shown) < 0.02) return;
      shown = level;
      [...el.children].forEach((bar, i) => {
        (bar as HTMLElement).style.transform = `scaleY(${(0.15 + 0.85 * level * BARS[i]!).toFixed(3)})`;
      });
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [state, c]);
  return (
    <span class="vw-viz" ref={bars} aria-hidden="true" data-testid="visualizer">
      {BARS.map((_, i) => (
        <span key={i} />
      ))}
    </span>
  );
}
