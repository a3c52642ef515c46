import { describe, expect, it } from 'vitest';
import { luhnValid, redactPii } from './redact.ts';

describe('redactPii', () => {
  it.each([
    ['my card is 4111 1111 1111 1111 thanks', 'my card is [card] thanks'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['amex 378282246310005.', 'amex [card].'],
    ['write to ada.lovelace+vw@example.co.uk please', 'write to [email] please'],
    ['it is ada at example dot com', 'it is [email]'],
    ['my ssn is 078-05-1120', 'my ssn is [ssn]'],
    ['ssn 078 05 1120 ok', 'ssn [ssn] ok'],
    ['call me at +1 (415) 555-0132', 'call me at [phone]'],
    ['or 030 1234567', 'or [phone]'],
    ['number 555.867.5309', 'number [phone]'],
  ])('%j → %j', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it('keeps digit runs that are not PII: order numbers failing Luhn are kept as phone-length only when short', () => {
    // 16 digits failing Luhn are not a card; they are too long for a phone number: kept.
    expect(redactPii('order 1234567812345679 shipped')).toBe('order 1234567812345679 shipped');
    // Short numbers (prices, times, quantities) stay.
    expect(redactPii('it costs 120 dollars, ready at 10:30, 3 items')).toBe('it costs 120 dollars, ready at 10:30, 3 items');
  });

  it('redacts several kinds in one text and never leaves the raw value', () => {
    const raw = 'I am ada@example.com, card 5555 5555 5555 4444, phone 415-555-0132, ssn 078-05-1120';
    const out = redactPii(raw);
    expect(out).toBe('I am [email], card [card], phone [phone], ssn [ssn]');
    for (const secret of ['ada@example.com', '4444', '0132', '1120']) expect(out).not.toContain(secret);
  });
});

describe('luhnValid', () => {
  it('accepts valid and rejects invalid numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});
