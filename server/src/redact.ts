/**
 * PII redaction applied to every text before it is stored (transcripts, tool-call arguments and
 * results). The raw text is never written. Replacements keep the kind, not the value:
 * `[email]`, `[card]`, `[ssn]`, `[phone]`.
 *
 * - e-mail: `local@domain.tld`, and the spoken form `name at domain dot com`.
 * - card: 13–19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
 * - SSN: `123-45-6789` / `123 45 6789` (US Social Security number layout).
 * - phone: 7–15 digits with optional `+`, spaces, dots, dashes and parentheses.
 * Order matters: cards and SSNs first, so their digits are not mistaken for phone numbers.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const SPOKEN_EMAIL = /\b[A-Za-z0-9._-]+\s+at\s+[A-Za-z0-9-]+(\s+dot\s+[A-Za-z0-9-]+)*\s+dot\s+(com|org|net|edu|gov|io|co|de|uk|fr|es|it|nl|eu|info|biz)\b/gi;
const CARD_CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
const SSN = /(?<![\d])\d{3}([- ])\d{2}\1\d{4}(?![\d])/g;
const PHONE = /(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?![\d])/g;

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

/** Returns `text` with e-mail addresses, card numbers, SSNs and phone numbers replaced. */
export function redactPii(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(SPOKEN_EMAIL, '[email]')
    .replace(CARD_CANDIDATE, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[card]' : m))
    .replace(SSN, '[ssn]')
    .replace(PHONE, (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 7 && digits <= 15 ? '[phone]' : m;
    });
}
