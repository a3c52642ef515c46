import { describe, expect, it } from 'vitest';
import { Resampler } from './resampler.ts';

function sine(freqHz: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freqHz * i) / rate);
  return out;
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Estimates the dominant frequency by counting zero crossings, Hz. */
function zeroCrossingFreq(x: Float32Array, rate: number, from: number, to: number): number {
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) crossings++;
  return (crossings / 2) * (rate / (to - from));
}

function runChunked(r: Resampler, input: Float32Array, chunk: number): Float32Array {
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(r.push(input.subarray(i, i + chunk)));
  parts.push(r.flush());
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('Resampler', () => {
  it.each([
    [24_000, 16_000],
    [22_050, 24_000],
    [16_000, 24_000],
  ])('%i Hz → %i Hz keeps a 440 Hz tone, its level and the duration', (inRate, outRate) => {
    const input = sine(440, inRate, 1);
    const out = runChunked(new Resampler(inRate, outRate), input, 2_400);
    expect(Math.abs(out.length - outRate)).toBeLessThanOrEqual(1);
    const mid = [Math.round(outRate * 0.1), Math.round(outRate * 0.9)] as const;
    expect(zeroCrossingFreq(out, outRate, ...mid)).toBeCloseTo(440, -1);
    expect(rms(out, ...mid)).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('gives the same output whatever the chunk size (streaming is exact)', () => {
    const input = sine(1_000, 24_000, 0.3);
    const a = runChunked(new Resampler(24_000, 16_000), input, 7);
    const b = runChunked(new Resampler(24_000, 16_000), input, 4_800);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
  });

  it('removes content above the output Nyquist frequency (anti-aliasing)', () => {
    // 10 kHz is above 8 kHz, the Nyquist frequency at 16 kHz: it must not fold back to 6 kHz.
    const out = runChunked(new Resampler(24_000, 16_000), sine(10_000, 24_000, 0.5), 2_400);
    expect(rms(out, 800, out.length - 800)).toBeLessThan(0.01);
  });

  it('rejects non-integer rates', () => {
    expect(() => new Resampler(22_050.5, 24_000)).toThrow(RangeError);
  });
});
