import type { Span } from './tokens.ts';

/**
 * IBANs (ISO 13616): two letters, two check digits, 11–30 letters or digits, written in one
 * block or in groups of four (`DE89 3704 0044 0532 0130 00`), accepted when the mod-97 check
 * passes (so product codes of the same shape stay). Spoken IBANs ("D E eight nine …") lose their
 * digits to the spoken-digits rule.
 */

// One optional space before each character: deterministic, at most 30 steps per start.
const CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

/** True when `iban` (no spaces, upper case) passes the ISO 13616 mod-97 check. */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rest = v >= 10 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest === 1;
}

/** Spans of valid IBANs, labelled `iban`. */
export function ibanSpans(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    // The match may run into a following word in capitals ("… 3000 OK"): try it shorter, down
    // to the shortest IBAN (15 characters), at most 30 checks of ≤ 34 characters.
    const ends: number[] = []; // ends[k]: offset after the k-th non-space character
    for (let i = 0; i < m[0].length; i++) if (m[0][i] !== ' ') ends.push(m.index + i + 1);
    const compact = m[0].replace(/ /g, '');
    for (let len = compact.length; len >= 15; len--) {
      if (ibanValid(compact.slice(0, len))) {
        out.push({ start: m.index, end: ends[len - 1]!, label: 'iban' });
        break;
      }
    }
  }
  return out;
}
