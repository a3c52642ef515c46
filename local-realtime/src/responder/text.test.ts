import { describe, expect, it } from 'vitest';
import { extractNumber, keywordScore, renderTemplate, speakable, words } from './text.ts';

describe('words', () => {
  it('lowercases and splits on anything but letters, digits and inner apostrophes', () => {
    expect(words("I'd like to TALK to a person, please!")).toEqual(["i'd", 'like', 'to', 'talk', 'to', 'a', 'person', 'please']);
  });
});

describe('keywordScore', () => {
  const t = words('where is my delivery going to arrive');
  it('matches words, phrases (scoring their length) and prefixes', () => {
    expect(keywordScore(t, 'delivery')).toBe(1);
    expect(keywordScore(t, 'where is my')).toBe(3);
    expect(keywordScore(t, 'deliver*')).toBe(1);
    expect(keywordScore(t, 'deliver')).toBe(0);
    expect(keywordScore(t, 'is where')).toBe(0);
  });
});

describe('extractNumber', () => {
  it.each([
    ['my order is one two three four', '1234'],
    ['order 5521 please', '5521'],
    ['go forward ten meters', '10'],
    ['it is twenty five', '25'],
    ['twelve thirty four', '1234'],
    ['two hundred and five', '205'],
    ['one hundred twenty three', '123'],
    ['two thousand twenty four', '2024'],
    ['four oh seven', '407'],
    ['oh hello there', null],
    ['no numbers here', null],
  ])('%j → %j', (text, expected) => {
    expect(extractNumber(text)).toBe(expected);
  });

  it('reads only the first run of number words', () => {
    expect(extractNumber('order one two then three')).toBe('12');
  });
});

describe('renderTemplate', () => {
  it('fills dotted paths and reports the missing ones', () => {
    const vars = { heard: 'where is my order', output: { status: 'shipped', eta: '' }, args: { order_id: '1234' } };
    expect(renderTemplate('Order {args.order_id} is {output.status}.', vars)).toEqual({ text: 'Order 1234 is shipped.', missing: [] });
    expect(renderTemplate('It arrives {output.eta}.', vars)).toEqual({ text: 'It arrives.', missing: ['output.eta'] });
  });

  it('speaks objects as "key value" pairs', () => {
    expect(speakable({ orderId: '1234', status: 'shipped', eta_days: 2 })).toBe('order id 1234, status shipped, eta days 2');
  });
});
