import { describe, expect, it } from 'vitest';
import { HOSTILE_LENGTH, HOSTILE_LINES } from './hostile.ts';
import { redactPii } from './index.ts';

/**
 * What the redaction makes of hostile lines (their speed is measured by `pnpm bench:redact` and
 * the e2e abuse suite, not here: no wall-clock bounds in unit tests).
 */
describe('redactPii on hostile 4,000-character lines', () => {
  it.each(Object.entries(HOSTILE_LINES))('%s: one pass, nothing personal left', (_name, line) => {
    expect(line.length).toBe(HOSTILE_LENGTH);
    const out = redactPii(line, { names: ['Baker Stret'] });
    expect(typeof out).toBe('string');
    // No run of 7+ digits (optionally grouped) survives, except a single plain group of 16+
    // that fails Luhn (an order number) — none of the lines has one.
    expect(out).not.toMatch(/\d(?:[ .-]?\d){6}/);
  });

  it('collapses each long run into one replacement', () => {
    expect(redactPii(HOSTILE_LINES['digits and spaces']!)).toBe('[number] ');
    expect(redactPii(HOSTILE_LINES['spoken digits']!)).toBe('[number] ');
    expect(redactPii(HOSTILE_LINES.letters!)).toBe(HOSTILE_LINES.letters);
    expect(redactPii(HOSTILE_LINES['at signs']!)).toBe(HOSTILE_LINES['at signs']);
  });
});
