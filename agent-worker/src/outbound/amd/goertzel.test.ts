import { describe, expect, it } from 'vitest';
import { ToneAnalyzer, goertzelPower } from './goertzel.ts';
import { noise, recording, tone } from './test-signals.ts';
import { AMD_SAMPLE_RATE_HZ, AMD_WINDOW_SAMPLES } from './types.ts';

const analyzer = () => new ToneAnalyzer(AMD_WINDOW_SAMPLES, AMD_SAMPLE_RATE_HZ, { minHz: 350, maxHz: 2000, stepHz: 25 });
/** The analysis of each full window of `samples`. */
const windows = (samples: Int16Array) => {
  const a = analyzer();
  const out = [];
  for (let i = 0; i + AMD_WINDOW_SAMPLES <= samples.length; i += AMD_WINDOW_SAMPLES) out.push(a.analyse(samples.subarray(i, i + AMD_WINDOW_SAMPLES)));
  return out;
};

describe('goertzelPower', () => {
  it('is largest at the frequency of the tone', () => {
    const x = Float32Array.from(tone(1000, 32, -6), (v) => v / 32768);
    const at = (f: number) => goertzelPower(x, f, AMD_SAMPLE_RATE_HZ);
    expect(at(1000)).toBeGreaterThan(at(900) * 10);
    expect(at(1000)).toBeGreaterThan(at(1100) * 10);
  });
});

describe('ToneAnalyzer', () => {
  it.each([400, 440, 987, 1400, 1990])('finds a pure %i Hz tone with tonality near 1 and its frequency within 5 Hz', (f) => {
    const obs = windows(tone(f, 200, -20)).slice(1, -1);
    expect(obs.length).toBeGreaterThan(3);
    for (const o of obs) {
      expect(Math.abs(o!.frequencyHz - f)).toBeLessThan(5);
      expect(o!.tonality).toBeGreaterThan(0.95);
    }
  });

  it('scores white noise as not tonal', () => {
    const obs = windows(noise(500, -30));
    for (const o of obs) expect(o!.tonality).toBeLessThan(0.15);
  });

  it('scores real speech well below a tone (median window)', () => {
    const obs = windows(recording('librivox-0880', 210, 2790)).filter((o) => o !== null);
    const sorted = obs.map((o) => o.tonality).sort((a, b) => a - b);
    expect(sorted[sorted.length >> 1]).toBeLessThan(0.4);
  });

  it('returns null for digital silence and rejects a window of the wrong length', () => {
    expect(analyzer().analyse(new Int16Array(AMD_WINDOW_SAMPLES))).toBeNull();
    expect(() => analyzer().analyse(new Int16Array(100))).toThrow(RangeError);
  });

  it('rejects a band outside the sample rate', () => {
    expect(() => new ToneAnalyzer(512, 16_000, { minHz: 350, maxHz: 9000, stepHz: 25 })).toThrow(RangeError);
  });
});
