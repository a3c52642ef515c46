import type { Span, Token } from './tokens.ts';

/**
 * Dates of birth. A date is a birth date when its year is at least {@link MIN_AGE_YEARS} years
 * back (delivery and appointment dates are recent or ahead), or when a birth keyword ("born",
 * "birthday", "date of birth", "DOB", "geboren", "Geburtsdatum") comes shortly before it — then
 * a day and month without a year count too. Forms: `12/03/1985`, `12.03.1985`, `1985-03-12`,
 * `March 12, 1985`, `12th of March 1985`, `12. März 1985`. Every other date is claimed unchanged, so
 * its digits are not mistaken for a phone number.
 */

/** A year this many years back (or more) makes a full date a birth date. */
export const MIN_AGE_YEARS = 10;
/** How many tokens a birth keyword may precede the date by. */
const KEYWORD_REACH = 8;

const MONTHS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'januar', 'jänner', 'februar', 'märz', 'maerz', 'mai', 'juni', 'juli', 'oktober', 'dezember',
]);
const BIRTH = new Set(['born', 'birth', 'birthday', 'dob', 'geboren', 'geburtstag', 'geburtsdatum']);
const ORDINAL = new Set(['st', 'nd', 'rd', 'th']);

// Numeric dates: bounded digit counts and one separator kind, so no backtracking beyond a few steps.
const NUMERIC = /(?<![0-9])(?:(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})|(\d{4})-(\d{2})-(\d{2}))(?![0-9])/g;

const isDay = (t: Token | undefined) => t?.kind === 'num' && t.text.length <= 2 && Number(t.text) >= 1 && Number(t.text) <= 31;
const isYear = (t: Token | undefined) => t?.kind === 'num' && t.text.length === 4 && Number(t.text) >= 1900 && Number(t.text) <= 2100;
const isMonth = (t: Token | undefined) => t?.kind === 'word' && MONTHS.has(t.text.toLowerCase());
const isGap = (t: Token | undefined) => t?.kind === 'sep' && /^[\s,.]{1,3}$/.test(t.text);

/** Index of the ordinal suffix after token `j` ("12th"), or `j`. */
function skipOrdinal(tokens: readonly Token[], j: number): number {
  const next = tokens[j + 1];
  return next?.kind === 'word' && ORDINAL.has(next.text.toLowerCase()) ? j + 1 : j;
}

/** Spans of dates: `[dob]` for birth dates, claimed unchanged (label null) for the others. */
export function dateSpans(text: string, tokens: readonly Token[], now = new Date()): Span[] {
  const oldYear = now.getUTCFullYear() - MIN_AGE_YEARS;
  // afterKeyword[i]: a birth keyword is among the KEYWORD_REACH tokens before token i.
  const afterKeyword: boolean[] = [];
  let lastKeyword = Number.NEGATIVE_INFINITY;
  tokens.forEach((t, i) => {
    afterKeyword.push(i - lastKeyword <= KEYWORD_REACH);
    if (t.kind === 'word' && BIRTH.has(t.text.toLowerCase())) lastKeyword = i;
  });
  const label = (year: number | null, i: number): string | null => (afterKeyword[i] || (year !== null && year <= oldYear) ? 'dob' : null);
  const fullYear = (y: string) => (y.length === 2 ? (Number(y) > now.getUTCFullYear() % 100 ? 1900 : 2000) + Number(y) : Number(y));

  const out: Span[] = [];
  const tokenAt = new Map<number, number>(tokens.map((t, i) => [t.start, i]));
  for (const m of text.matchAll(NUMERIC)) {
    const year = m[4] !== undefined ? fullYear(m[4]) : Number(m[5]);
    out.push({ start: m.index, end: m.index + m[0].length, label: label(year, tokenAt.get(m.index) ?? 0) });
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let j: number;
    if (isMonth(t) && isGap(tokens[i + 1]) && isDay(tokens[i + 2])) {
      // "March 12[th][,] [1985]"
      j = skipOrdinal(tokens, i + 2);
    } else if (isDay(t)) {
      // "12[th|.] [of] March[,] [1985]"
      j = skipOrdinal(tokens, i);
      if (!isGap(tokens[j + 1])) continue;
      j++;
      if (tokens[j + 1]?.text.toLowerCase() === 'of' && isGap(tokens[j + 2])) j += 2;
      if (!isMonth(tokens[j + 1])) continue;
      j++;
    } else {
      continue;
    }
    const hasYear = isGap(tokens[j + 1]) && isYear(tokens[j + 2]);
    const year = hasYear ? Number(tokens[j + 2]!.text) : null;
    if (hasYear) j += 2;
    if (year !== null || afterKeyword[i]) out.push({ start: t.start, end: tokens[j]!.end, label: label(year, i) });
    i = j;
  }
  return out;
}
