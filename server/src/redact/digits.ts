import type { Span, Token } from './tokens.ts';

/**
 * Numbers callers say or type: card numbers, SSNs, phone and account numbers, written
 * (`4111 1111 1111 1111`, `415-555-0132`) or read out one digit at a time ("four one one one …",
 * "double five", German "vier eins …"), and mixtures of both. A run is a sequence of digit
 * units (a number token or a digit word) joined only by short separators (space, `-`, `.`, `,`,
 * `/`, parentheses, at most 3 characters).
 *
 * What a run becomes:
 * - `[card]`: 13–19 digits passing the Luhn check (ISO/IEC 7812);
 * - `[ssn]`: written `123-45-6789` / `123 45 6789` (US Social Security number layout);
 * - `[phone]`: 7–15 digits (ITU E.164 length), written or spoken;
 * - `[number]`: any other run with 4+ spoken digits or 7+ digits in several groups — account
 *   numbers, PINs, IBAN digits read out;
 * - kept: a single written number of 16+ digits that is not a card (order and tracking numbers),
 *   and short numbers (prices, times, quantities).
 */

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  null: '0', eins: '1', zwei: '2', zwo: '2', drei: '3', vier: '4', fünf: '5', fuenf: '5', sechs: '6', sieben: '7', acht: '8', neun: '9',
};
const REPEAT_WORDS: Record<string, number> = { double: 2, triple: 3, doppel: 2 };
const JOINER = /^[\s\-.,/()]{1,3}$/;

/** True when the digits pass the Luhn checksum (ISO/IEC 7812). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

interface Run {
  start: number;
  end: number;
  digits: string;
  /** Number tokens (written groups). */
  groups: string[];
  spoken: number;
  /** The separators between units, in order. */
  joiners: string[];
}

/** The digits a token stands for, or null when it is not a digit unit. */
function unitDigits(t: Token): { digits: string; spoken: boolean } | null {
  if (t.kind === 'num') return { digits: t.text, spoken: false };
  if (t.kind !== 'word') return null;
  const d = DIGIT_WORDS[t.text.toLowerCase()];
  return d === undefined ? null : { digits: d, spoken: true };
}

/** Finds the runs of digit units in `tokens` (one pass). */
function runs(tokens: readonly Token[]): Run[] {
  const out: Run[] = [];
  let run: Run | null = null;
  let repeat = 1;
  let pendingJoiner: string | null = null;
  let lastWritten = false;
  const close = () => {
    if (run) out.push(run);
    run = null;
    pendingJoiner = null;
  };
  for (const t of tokens) {
    const rep = t.kind === 'word' ? REPEAT_WORDS[t.text.toLowerCase()] : undefined;
    if (rep !== undefined) {
      repeat = rep;
      continue;
    }
    const unit = unitDigits(t);
    if (unit) {
      // "101, 102, 103" and "1,000,000" are lists and amounts, not one number: written groups
      // joined by a comma start a new run (spoken digits may carry the recogniser's commas).
      if (run !== null && !unit.spoken && lastWritten && pendingJoiner?.includes(',')) close();
      lastWritten = !unit.spoken;
      const digits = unit.digits.repeat(unit.spoken ? repeat : 1);
      if (run === null) run = { start: t.start, end: t.end, digits: '', groups: [], spoken: 0, joiners: [] };
      else if (pendingJoiner !== null) run.joiners.push(pendingJoiner);
      run.digits += digits;
      run.end = t.end;
      if (unit.spoken) run.spoken += digits.length;
      else run.groups.push(t.text);
      pendingJoiner = null;
      repeat = 1;
      continue;
    }
    if (t.kind === 'sep' && JOINER.test(t.text) && (run === null ? repeat > 1 : pendingJoiner === null || repeat > 1)) {
      pendingJoiner ??= t.text; // "seven double five": the space after "double" is the same gap
      continue;
    }
    repeat = 1;
    close();
  }
  close();
  return out;
}

/** Label of one run (rules above), or null to keep it. */
function classify(r: Run): string | null {
  const n = r.digits.length;
  const written = r.spoken === 0;
  if (written && r.groups.length === 3 && r.groups[0]!.length === 3 && r.groups[1]!.length === 2 && r.groups[2]!.length === 4) {
    if ((r.joiners[0] === '-' || r.joiners[0] === ' ') && r.joiners[0] === r.joiners[1]) return 'ssn';
  }
  if (n >= 13 && n <= 19 && luhnValid(r.digits)) return 'card';
  if (written && r.groups.length === 1) return n >= 7 && n <= 15 ? 'phone' : null;
  if (n >= 7 && n <= 15) return 'phone';
  if (r.spoken >= 4 || n >= 7) return 'number';
  return null;
}

/** Spans of the digit runs to redact; a leading `+` or `(` of a phone number is included. */
export function digitSpans(text: string, tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  for (const r of runs(tokens)) {
    const label = classify(r);
    if (label === null) continue;
    let start = r.start;
    while (start > 0 && (text[start - 1] === '+' || text[start - 1] === '(')) start--;
    out.push({ start, end: r.end, label });
  }
  return out;
}
