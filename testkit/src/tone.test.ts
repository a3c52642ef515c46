import { describe, expect, it } from 'vitest';
import { toneWindows } from './tone.ts';

const rate = 8000;
const sine = (hz: number, ms: number, amp = 0.25) => Array.from({ length: (rate * ms) / 1000 }, (_, i) => Math.round(amp * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)));
const noise = (ms: number, amp = 0.25) => Array.from({ length: (rate * ms) / 1000 }, () => Math.round(amp * 32767 * (Math.random() * 2 - 1)));

describe('toneWindows', () => {
  it('finds the tone where it is, not in noise, silence or another frequency', () => {
    const samples = Int16Array.from([...noise(500), ...new Array(rate / 2).fill(0), ...sine(1000, 400), ...sine(440, 400)]);
    const found = toneWindows(samples, rate, 1000);
    expect(found.length).toBeGreaterThanOrEqual(15);
    expect(Math.min(...found)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...found)).toBeLessThan(1400);
  });
});
