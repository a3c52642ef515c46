import type { Span, Token } from './tokens.ts';

/**
 * E-mail addresses, written (`ada.lovelace+vw@example.co.uk`) and spoken ("ada at example dot
 * com", "ada dot lovelace at example dot co dot uk"). Found from each `@` (or the word "at") by
 * scanning outwards over the characters an address may hold: every character is scanned a
 * bounded number of times, whatever the input.
 */

const LOCAL = /[A-Za-z0-9._%+-]/;
const DOMAIN = /[A-Za-z0-9.-]/;
const TLDS = new Set(['com', 'org', 'net', 'edu', 'gov', 'io', 'co', 'de', 'uk', 'fr', 'es', 'it', 'nl', 'eu', 'info', 'biz', 'at', 'ch', 'us', 'ca']);
/** Labels after "at" a spoken address may have ("example dot co dot uk" has 3). */
const MAX_SPOKEN_LABELS = 5;

/** Spans of written addresses, labelled `email`. */
export function writtenEmailSpans(text: string): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > from && LOCAL.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN.test(text[end]!)) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--; // sentence punctuation
    const domain = text.slice(at + 1, end);
    const dot = domain.lastIndexOf('.');
    if (start < at && dot > 0 && /^[A-Za-z]{2,}$/.test(domain.slice(dot + 1))) {
      out.push({ start, end, label: 'email' });
      from = end;
    } else {
      from = at + 1;
    }
  }
  return out;
}

/** Spans of spoken addresses ("name at domain dot tld"), labelled `email`. */
export function spokenEmailSpans(tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  const word = (i: number) => (tokens[i]?.kind === 'word' || tokens[i]?.kind === 'num' ? tokens[i]!.text.toLowerCase() : null);
  const space = (i: number) => tokens[i]?.kind === 'sep' && /^\s{1,3}$/.test(tokens[i]!.text);
  for (let i = 2; i < tokens.length; i++) {
    if (word(i) !== 'at' || !space(i - 1) || word(i - 2) === null || !space(i + 1) || word(i + 2) === null) continue;
    // The local part: "ada", or "ada dot lovelace" (spoken dots before the "at").
    let start = i - 2;
    for (;;) {
      if (start >= 4 && word(start - 2) === 'dot' && space(start - 1) && space(start - 3) && word(start - 4) !== null) start -= 4;
      else if (start >= 2 && /^[._-]$/.test(tokens[start - 1]!.text) && word(start - 2) !== null) start -= 2; // ada_lovelace
      else break;
    }
    let j = i + 2;
    let end = -1;
    for (let labels = 0; labels < MAX_SPOKEN_LABELS && word(j + 2) === 'dot' && space(j + 1) && space(j + 3) && word(j + 4) !== null; labels++) {
      j += 4;
      if (TLDS.has(word(j)!)) end = j;
    }
    if (end === -1) continue;
    out.push({ start: tokens[start]!.start, end: tokens[end]!.end, label: 'email' });
    i = end;
  }
  return out;
}
