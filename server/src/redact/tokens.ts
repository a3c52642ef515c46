/**
 * A linear tokenizer for redaction: the text as words (letters), numbers (ASCII digits) and
 * separators (everything else), with their offsets. Detectors work on tokens instead of
 * backtracking regular expressions, so a hostile 4,000-character line costs one pass.
 */

export type TokenKind = 'word' | 'num' | 'sep';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the first character in the text. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

/** A part of the text to replace with `[label]`; `label: null` keeps the text but claims it. */
export interface Span {
  start: number;
  end: number;
  label: string | null;
}

// Three disjoint classes, each a single run: the match advances by at least one character and
// never backtracks. The group that matched names the kind.
const TOKEN = /(\p{L}+)|([0-9]+)|[^\p{L}0-9]+/gu;

/** Splits `text` into tokens covering it completely, in order. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const kind: TokenKind = m[1] !== undefined ? 'word' : m[2] !== undefined ? 'num' : 'sep';
    out.push({ kind, text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** True when the word starts with an upper-case letter. */
export const capitalised = (w: string): boolean => w[0] !== undefined && w[0] !== w[0].toLowerCase() && w[0] === w[0].toUpperCase();
