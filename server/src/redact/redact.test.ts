import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, redactPii } from './index.ts';

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

const NOW = new Date('2026-06-01T12:00:00Z');
const r = (text: string, names?: string[]) => redactPii(text, { now: NOW, names });

describe('what callers really say', () => {
  it.each([
    // Card and account numbers read out one digit at a time, or in a mix of words and digits.
    ['four one one one one one one one one one one one one one one one', '[card]'],
    ['my card is four one one one, one one one one, 1111 1111 thanks', 'my card is [card] thanks'],
    ['account number two seven double five nine one three eight', 'account number [phone]'],
    ['the PIN is one two three four', 'the PIN is [number]'],
    ['meine Nummer ist null eins sieben sechs zwei drei vier fünf sechs sieben', 'meine Nummer ist [phone]'],
    ['account 1234 5678 9012 3456 7', 'account [number]'],
    // IBANs, grouped or not, only when the check digits are right.
    ['IBAN DE89 3704 0044 0532 0130 00 please', 'IBAN [iban] please'],
    ['it is GB82WEST12345698765432.', 'it is [iban].'],
    ['product code DE12 ABCD EFGH IJKL stays', 'product code DE12 ABCD EFGH IJKL stays'],
    // Dates of birth: old enough, or right after a birth keyword; recent dates stay.
    ['I was born on 12/03/1985', 'I was born on [dob]'],
    ['date of birth March 12th, 1985.', 'date of birth [dob].'],
    ['born the 12th of March 1985', 'born the [dob]'],
    ['Geburtsdatum 12.03.1985', 'Geburtsdatum [dob]'],
    ['my birthday is May 4', 'my birthday is [dob]'],
    ['it arrives on 03.06.2026 and the order was 2026-05-30', 'it arrives on 03.06.2026 and the order was 2026-05-30'],
    // Street addresses, English and German.
    ['send it to 221B Baker Street, London', 'send it to [address], London'],
    ['1600 Pennsylvania Avenue NW please', '[address] please'],
    ['ich wohne in der Hauptstraße 5 in Berlin', 'ich wohne in der [address] in Berlin'],
    ['Berliner Str. 12a', '[address]'],
    // Spoken e-mail with dots in the local part.
    ['ada dot lovelace at example dot co dot uk', '[email]'],
  ])('%j → %j', (input, expected) => {
    expect(r(input)).toBe(expected);
  });

  it('redacts the names held in the contact store, as words, only when capitalised', () => {
    const names = ['Ada Lovelace', 'Will Smith'];
    expect(r('Hi Ada, this is about Ada Lovelace and Mr Smith.', names)).toBe('Hi [name], this is about [name] and Mr [name].');
    expect(r('I will call back', names)).toBe('I will call back'); // "will" is a word, not Will
  });

  it('keeps what is not personal: prices, times, quantities, lists, amounts, order numbers', () => {
    for (const text of ['it costs 120 dollars, ready at 10:30, 3 items', 'rooms 101, 102, 103', 'a total of 1,000,000 units', 'order 1234567812345679 shipped', 'two or three days', 'at the Baker Street shop']) {
      expect(r(text)).toBe(text);
    }
  });
});

describe('luhnValid', () => {
  it('accepts valid and rejects invalid numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('ibanValid', () => {
  it('checks ISO 13616 mod 97', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
  });
});
