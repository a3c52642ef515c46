import { describe, expect, it } from 'vitest';
import { DtmfCollector, digitsAsInput } from './dtmf.ts';

describe('DtmfCollector', () => {
  it('0 as the first key asks for a person at once; a lone 1 once the entry ends', () => {
    expect(new DtmfCollector().press('0')).toEqual({ type: 'person' });
    expect(new DtmfCollector().press('0', 'code')).toEqual({ type: 'person' });
    const c = new DtmfCollector();
    expect(c.press('1')).toBeNull();
    expect(c.flush()).toEqual({ type: 'person' });
  });

  it('numbers that start with 1 can be typed (1042#)', () => {
    const c = new DtmfCollector();
    for (const k of '1042') expect(c.press(k)).toBeNull();
    expect(c.press('#')).toEqual({ type: 'digits', digits: '1042' });
  });

  it('collects a number until # (1 and 0 inside it are digits); * starts over', () => {
    const c = new DtmfCollector();
    expect(c.press('4')).toBeNull();
    expect(c.press('*')).toBeNull();
    expect(c.pending).toBe(false);
    for (const k of '9104') expect(c.press(k)).toBeNull();
    expect(c.pending).toBe(true);
    expect(c.press('#')).toEqual({ type: 'digits', digits: '9104' });
    expect(c.pending).toBe(false);
    expect(c.press('0')).toEqual({ type: 'person' }); // first key of the next entry
  });

  it('a pause ends the entry; nothing pending gives nothing; other keys are ignored', () => {
    const c = new DtmfCollector();
    c.press('7');
    c.press('A');
    expect(c.flush()).toEqual({ type: 'digits', digits: '7' });
    expect(c.flush()).toBeNull();
    expect(c.press('#')).toBeNull();
  });

  it('while a code is awaited, 1 and 0 are digits of the code, not a person', () => {
    const c = new DtmfCollector();
    for (const k of '190') expect(c.press(k, 'code')).toBeNull();
    expect(c.press('6', 'code')).toBeNull();
    expect(c.press('#', 'code')).toEqual({ type: 'code', digits: '1906' });
  });

  it('after a read-back, 1 is yes and 2 is no', () => {
    expect(new DtmfCollector().press('1', 'confirm')).toEqual({ type: 'confirm', yes: true });
    expect(new DtmfCollector().press('2', 'confirm')).toEqual({ type: 'confirm', yes: false });
  });

  it('reads digits one by one to the model', () => {
    expect(digitsAsInput('1042')).toBe('I typed 1 0 4 2 on the keypad.');
  });
});
