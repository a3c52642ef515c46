import { addressSpans } from './addresses.ts';
import { dateSpans } from './dates.ts';
import { digitSpans } from './digits.ts';
import { spokenEmailSpans, writtenEmailSpans } from './email.ts';
import { ibanSpans } from './iban.ts';
import { nameSpans, nameWords } from './names.ts';
import { type Span, tokenize } from './tokens.ts';

export { luhnValid } from './digits.ts';
export { ibanValid } from './iban.ts';
export { nameWords } from './names.ts';

/**
 * PII redaction applied to every text before it is stored (transcripts, tool-call arguments and
 * results); the raw text is never written. Replacements keep the kind, not the value: `[email]`,
 * `[iban]`, `[dob]`, `[address]`, `[card]`, `[ssn]`, `[phone]`, `[number]`, `[name]`. What each
 * catches is documented in its module (email, iban, dates, addresses, digits, names).
 *
 * Every detector is linear in the text (a tokenizer with disjoint classes, scans outward from
 * anchors, bounded repetitions), so a hostile 4,000-character line costs about as much as an
 * ordinary one. Detectors run in priority order; a later one never touches text an earlier one
 * claimed (a date's digits are not a phone number; a kept recent date stays as it is).
 */

/** Options of {@link redactPii}. */
export interface RedactOptions {
  /** Names in the contact store (full names; each word of 2+ letters is redacted when capitalised). */
  names?: readonly string[] | ReadonlySet<string>;
  /** The day dates are judged from (birth dates are 10+ years back). Default now. */
  now?: Date;
}

/** Returns `text` with personal data replaced (see the module doc). */
export function redactPii(text: string, opts: RedactOptions = {}): string {
  if (text.length === 0) return text;
  const tokens = tokenize(text);
  const words = opts.names instanceof Set ? opts.names : nameWords([...(opts.names ?? [])]);
  const detectors: (() => Span[])[] = [
    () => writtenEmailSpans(text),
    () => spokenEmailSpans(tokens),
    () => ibanSpans(text),
    () => dateSpans(text, tokens, opts.now),
    () => addressSpans(tokens),
    () => digitSpans(text, tokens),
    () => nameSpans(tokens, words),
  ];
  const claimed = new Uint8Array(text.length);
  const kept: Span[] = [];
  for (const detect of detectors) {
    for (const span of detect()) {
      if (claimed.subarray(span.start, span.end).some((c) => c === 1)) continue;
      claimed.fill(1, span.start, span.end);
      if (span.label !== null) kept.push(span);
    }
  }
  kept.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of kept) {
    out += `${text.slice(at, s.start)}[${s.label}]`;
    at = s.end;
  }
  return out + text.slice(at);
}
