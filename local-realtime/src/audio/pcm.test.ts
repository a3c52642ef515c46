import { describe, expect, it } from 'vitest';
import { decodePcm16Base64, encodePcm16Base64, firstLoudSample, samplesToMs } from './pcm.ts';

describe('decodePcm16Base64', () => {
  it('round-trips samples through base64', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const decoded = decodePcm16Base64(encodePcm16Base64(samples));
    expect(decoded.ok && Array.from(decoded.samples)).toEqual(Array.from(samples));
  });

  it.each(['not base64 at all!', 'AAA', 'AA==AA==', 'AAAA AAAA', 'AAAA\n'])('rejects non-canonical base64 %j', (input) => {
    expect(decodePcm16Base64(input)).toEqual({ ok: false, reason: 'invalid_base64' });
  });

  it('rejects an odd number of bytes (half a sample)', () => {
    expect(decodePcm16Base64('AA==')).toEqual({ ok: false, reason: 'odd_length' });
    expect(decodePcm16Base64('AAA=').ok).toBe(true);
  });

  it('accepts the empty string as zero samples', () => {
    const r = decodePcm16Base64('');
    expect(r.ok && r.samples.length).toBe(0);
  });
});

describe('helpers', () => {
  it('converts samples to ms at 24 kHz by default', () => {
    expect(samplesToMs(2_400)).toBe(100);
    expect(samplesToMs(1_600, 16_000)).toBe(100);
  });

  it('finds the first sample at or above a threshold', () => {
    expect(firstLoudSample(Int16Array.from([0, 10, -400, 5]), 300)).toBe(2);
    expect(firstLoudSample(Int16Array.from([0, 10]), 300)).toBe(2);
  });
});
