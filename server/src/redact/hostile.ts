/**
 * Hostile 4,000-character lines for the redaction: each aims at a way a backtracking pattern
 * goes quadratic or worse (long runs without the expected end, many anchors, nested groups).
 * Shared by the unit tests (what comes out), `pnpm bench:redact` and the e2e abuse suite (how
 * long it takes).
 */

/** Length of each hostile line, characters. */
export const HOSTILE_LENGTH = 4_000;

const fill = (unit: string) => unit.repeat(Math.ceil(HOSTILE_LENGTH / unit.length)).slice(0, HOSTILE_LENGTH);

/** A deterministic line of characters every detector anchors on (xorshift32, fixed seed). */
function noise(alphabet: string, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < HOSTILE_LENGTH; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}

/** Name → line. */
export const HOSTILE_LINES: Readonly<Record<string, string>> = {
  letters: fill('a'),
  'digits and spaces': fill('1 '),
  'digits and dashes': fill('1-'),
  'at signs': fill('a@'),
  'spoken e-mail without a tld': `a at b${fill(' dot b').slice(6)}`,
  'card groups': fill('4111 '),
  'spoken digits': fill('one '),
  'double double': fill('double '),
  dates: fill('12/12/1985 '),
  'iban prefixes': fill('DE89 '),
  'house numbers': fill('1 Baker '),
  parentheses: `${fill('(').slice(0, 3_990)}5550123456`,
  'digit noise': noise('0123456789 -.,()+/', 0x9e3779b9),
  'mixed noise': noise('abAB01 @.-_+:/()Stret', 0x85ebca6b),
};
