import { describe, expect, it } from 'vitest';
import { energyEnvelope } from '@voice-widget/protocol';
import { BeepDetector, type BeepParams } from './beep-detector.ts';
import { ToneAnalyzer } from './goertzel.ts';
import { concat, mix, noise, recording, silence, tone } from './test-signals.ts';
import { AMD_SAMPLE_RATE_HZ, AMD_WINDOW_MS, AMD_WINDOW_SAMPLES, type BeepEvidence } from './types.ts';

const PARAMS: BeepParams = {
  band: { minHz: 350, maxHz: 2000, stepHz: 25 },
  minTonality: 0.6,
  minDurationMs: 150,
  maxDurationMs: 2500,
  frequencyToleranceHz: 8,
  minLevelDb: -50,
  minSnrDb: 6,
  maxGapWindows: 1,
};

/** Runs the tone analyzer and the beep detector over `samples` (noise floor fixed at `floorDb`). */
function beepsIn(samples: Int16Array, floorDb = -65, params = PARAMS): BeepEvidence[] {
  const analyzer = new ToneAnalyzer(AMD_WINDOW_SAMPLES, AMD_SAMPLE_RATE_HZ, params.band);
  const detector = new BeepDetector(params);
  const found: BeepEvidence[] = [];
  // One silent window more at the end, so a beep that lasts to the end of the signal is closed.
  const padded = concat(samples, silence(3 * AMD_WINDOW_MS));
  for (let i = 0, k = 0; i + AMD_WINDOW_SAMPLES <= padded.length; i += AMD_WINDOW_SAMPLES, k++) {
    const w = padded.subarray(i, i + AMD_WINDOW_SAMPLES);
    const level = energyEnvelope(w, AMD_SAMPLE_RATE_HZ, AMD_WINDOW_MS)[0]!;
    const { beep } = detector.push(analyzer.analyse(w), level, floorDb, k * AMD_WINDOW_MS, AMD_WINDOW_MS, level >= floorDb + 10);
    if (beep) found.push(beep);
  }
  return found;
}

describe('BeepDetector', () => {
  it.each([
    [400, 200],
    [440, 1000],
    [850, 500],
    [1000, 300],
    [1400, 700],
    [2000, 250],
  ])('finds a %i Hz beep of %i ms in line noise: frequency, start and end', (hz, ms) => {
    const signal = mix(concat(silence(640), tone(hz, ms, -18), silence(600)), noise(640 + ms + 600, -45, hz));
    const beeps = beepsIn(signal, -45);
    expect(beeps).toHaveLength(1);
    const b = beeps[0]!;
    expect(Math.abs(b.frequencyHz - hz)).toBeLessThanOrEqual(8);
    expect(Math.abs(b.startMs - 640)).toBeLessThanOrEqual(AMD_WINDOW_MS);
    expect(Math.abs(b.endMs - (640 + ms))).toBeLessThanOrEqual(AMD_WINDOW_MS);
    expect(b.tonality).toBeGreaterThan(0.8);
  });

  it('finds a beep only 7 dB above white noise, and a quieter one not at all', () => {
    const at = (toneDb: number) => mix(concat(silence(640), tone(1000, 400, toneDb), silence(640)), noise(1680, -30, 5));
    expect(beepsIn(at(-23), -30)).toHaveLength(1);
    expect(beepsIn(at(-27), -30)).toEqual([]);
  });

  it('ignores a tone too short (100 ms) or too long (3 s) for a beep', () => {
    expect(beepsIn(concat(silence(320), tone(1000, 100, -18), silence(320)))).toEqual([]);
    expect(beepsIn(concat(silence(320), tone(1000, 3000, -18), silence(320)))).toEqual([]);
  });

  it('ignores a tone below the band (250 Hz hum) and one too quiet for the noise floor', () => {
    expect(beepsIn(concat(silence(320), tone(250, 500, -18), silence(320)))).toEqual([]);
    expect(beepsIn(mix(concat(silence(320), tone(1000, 500, -50), silence(320)), noise(1140, -45, 3)), -45)).toEqual([]);
  });

  it('ignores a sweep (not a steady tone)', () => {
    const n = Math.round(0.6 * AMD_SAMPLE_RATE_HZ);
    const sweep = new Int16Array(n);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      phase += (2 * Math.PI * (700 + (900 * i) / n)) / AMD_SAMPLE_RATE_HZ; // 700 → 1600 Hz in 0.6 s
      sweep[i] = Math.round(8000 * Math.sin(phase));
    }
    expect(beepsIn(concat(silence(320), sweep, silence(320)))).toEqual([]);
  });

  it('does not take a steady tone inside speech for a beep (a monotone vowel on the phone)', () => {
    // Speech-level sound right before and right after the tone, as around a held vowel.
    const speechy = (seed: number) => noise(320, -25, seed);
    expect(beepsIn(concat(silence(320), speechy(1), tone(480, 224, -25), speechy(2), silence(320)))).toEqual([]);
    // A tone after speech with no pause, and one followed at once by speech, are not beeps either.
    expect(beepsIn(concat(silence(320), speechy(3), tone(1000, 400, -20), silence(320)))).toEqual([]);
    expect(beepsIn(concat(silence(320), tone(1000, 400, -20), speechy(4), silence(320)))).toEqual([]);
    // The same tone with pauses around it is one.
    expect(beepsIn(concat(silence(320), speechy(5), silence(160), tone(1000, 400, -20), silence(160), speechy(6)))).toHaveLength(1);
  });

  it('finds no beep in real speech or in white noise', () => {
    expect(beepsIn(recording('goforward'))).toEqual([]);
    expect(beepsIn(recording('librivox-0880'))).toEqual([]);
    expect(beepsIn(recording('cards-001'))).toEqual([]);
    expect(beepsIn(noise(2000, -20, 9), -70)).toEqual([]);
  });

  it('finds the beep right after speech', () => {
    const speech = recording('goforward', 400, 2200);
    const beeps = beepsIn(concat(speech, silence(300), tone(1000, 400, -15), silence(500)));
    expect(beeps).toHaveLength(1);
    expect(Math.abs(beeps[0]!.endMs - (1800 + 300 + 400))).toBeLessThanOrEqual(AMD_WINDOW_MS);
  });
});
