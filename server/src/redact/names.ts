import { type Span, type Token, capitalised } from './tokens.ts';

/**
 * Names held in the contact store ("Ada Lovelace" → "Ada", "Lovelace"), wherever a transcript
 * says them with a capital letter; neighbouring name words become one `[name]`. A set lookup
 * per word: linear in the text, whatever the number of contacts.
 */

/** The lower-case name words of `names` (2+ letters), for {@link nameSpans}. */
export function nameWords(names: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const n of names) for (const w of n.split(/[^\p{L}]+/u)) if (w.length >= 2) words.add(w.toLowerCase());
  return words;
}

/** Spans of contact names in `tokens`, labelled `name`. */
export function nameSpans(tokens: readonly Token[], words: ReadonlySet<string>): Span[] {
  if (words.size === 0) return [];
  const out: Span[] = [];
  for (const t of tokens) {
    if (t.kind !== 'word' || !capitalised(t.text) || !words.has(t.text.toLowerCase())) continue;
    const last = out.at(-1);
    if (last && t.start - last.end <= 1) last.end = t.end; // "Ada Lovelace" → one span
    else out.push({ start: t.start, end: t.end, label: 'name' });
  }
  return out;
}
