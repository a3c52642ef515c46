import { useEffect, useRef } from 'preact/hooks';
import { useController, useSnapshot } from '../context.ts';

/** Live captions of both sides in an ARIA live region; the newest line stays in view. */
export function CaptionList() {
  const c = useController();
  const { lines, talkingTo } = useSnapshot();
  const t = c.strings;
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  if (lines.length === 0) return null;
  return (
    <ol class="vw-captions" role="log" aria-live="polite" aria-label={t.captions} data-testid="captions" ref={list}>
      {lines.map((l) => (
        <li key={l.id} class={`vw-line vw-${l.speaker}`} data-speaker={l.speaker} data-interrupted={String(l.interrupted)}>
          <span class="vw-who">{l.speaker === 'caller' ? t.you : l.speaker === 'person' ? (talkingTo.name ?? t.person) : t.agent}</span> <span class="vw-text">{l.text}</span>
          {l.interrupted && <span class="vw-cut"> {t.interrupted}</span>}
        </li>
      ))}
    </ol>
  );
}
