import { useEffect, useRef } from 'preact/hooks';
import { isLive } from '../../core/state-machine.ts';
import { useController, useSnapshot } from '../context.ts';

const BARS = [0.6, 0.85, 1, 0.85, 0.6];

/** Five bars following the agent's level while it speaks, the caller's otherwise (rAF: pauses in hidden tabs). */
export function Visualizer() {
  const c = useController();
  const { state } = useSnapshot();
  const bars = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!isLive(state)) return;
    let raf = 0;
    const draw = () => {
      const lv = c.levels();
      const level = state === 'speaking' ? lv.agent : lv.mic;
      const el = bars.current;
      if (el) {
        [...el.children].forEach((bar, i) => {
          (bar as HTMLElement).style.transform = `scaleY(${(0.15 + 0.85 * Math.min(1, level * 2) * BARS[i]!).toFixed(3)})`;
        });
      }
      raf = requestAnimationFrame(draw);
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
