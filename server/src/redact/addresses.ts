import { type Span, type Token, capitalised } from './tokens.ts';

/**
 * Street addresses, English and German layouts:
 * - house number first: `221B Baker Street`, `1600 Pennsylvania Avenue NW`, `12 the Ridge Rd.`
 *   (a number of 1–5 digits, optionally a letter, then up to {@link MAX_NAME_WORDS} words, then a
 *   street type);
 * - house number last (German): `Hauptstraße 5`, `Berliner Str. 12a` — a word ending in a street
 *   type (`-straße`, `-str.`, `-weg`, `-gasse`, `-allee`, `-platz`, `-damm`) then 1–3 digits.
 *   Streets without a type word (`Am Kupfergraben 6`) are not caught.
 */

const MAX_NAME_WORDS = 4;
const EN_TYPES = new Set([
  'street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'lane', 'ln', 'drive', 'dr', 'court', 'ct', 'way',
  'place', 'pl', 'terrace', 'close', 'square', 'sq', 'parkway', 'pkwy', 'highway', 'hwy', 'crescent', 'row', 'mews',
]);
const DIRECTIONS = new Set(['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw', 'north', 'south', 'east', 'west']);
const DE_SUFFIX = /(straße|strasse|str|weg|gasse|allee|platz|damm|chaussee)$/i;

const isSpace = (t: Token | undefined) => t?.kind === 'sep' && /^ {1,2}$/.test(t.text);
const houseNumber = (t: Token | undefined) => t?.kind === 'num' && t.text.length <= 5;

/** Spans of street addresses, labelled `address`. */
export function addressSpans(tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (houseNumber(t)) {
      let j = i;
      if (tokens[j + 1]?.kind === 'word' && tokens[j + 1]!.text.length === 1) j++; // 221B
      for (let words = 0; words <= MAX_NAME_WORDS && isSpace(tokens[j + 1]) && tokens[j + 2]?.kind === 'word'; words++) {
        const w = tokens[j + 2]!.text;
        if (words > 0 && EN_TYPES.has(w.toLowerCase())) {
          j += 2;
          if (tokens[j + 1]?.text === '.') j++;
          if (isSpace(tokens[j + 1]) && tokens[j + 2]?.kind === 'word' && DIRECTIONS.has(tokens[j + 2]!.text.toLowerCase())) j += 2;
          out.push({ start: t.start, end: tokens[j]!.end, label: 'address' });
          i = j;
          break;
        }
        if (!capitalised(w) && w !== 'the') break;
        j += 2;
      }
      continue;
    }
    if (t.kind === 'word' && DE_SUFFIX.test(t.text) && capitalised(t.text)) {
      const gap = tokens[i + 1];
      const num = tokens[i + 2];
      if (gap?.kind !== 'sep' || !/^\.? {1,2}$/.test(gap.text) || num?.kind !== 'num' || num.text.length > 3) continue;
      let j = i + 2;
      if (tokens[j + 1]?.kind === 'word' && tokens[j + 1]!.text.length === 1) j++; // 12a
      // "Berliner Straße": a capitalised word right before the street type belongs to it.
      const before = tokens[i - 2];
      const start = isSpace(tokens[i - 1]) && before?.kind === 'word' && capitalised(before.text) ? before.start : t.start;
      out.push({ start, end: tokens[j]!.end, label: 'address' });
      i = j;
    }
  }
  return out;
}
