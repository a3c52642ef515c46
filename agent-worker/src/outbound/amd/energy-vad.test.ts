import { describe, expect, it } from 'vitest';
import { EnergyVad } from './energy-vad.ts';

const params = { marginDb: 10, hysteresisDb: 3, minSpeechDb: -50, floorRiseDbPerS: 0.5, floorMinDb: -70 };
/** Feeds levels (dBFS) of 32 ms windows; returns the voiced flags. */
const run = (vad: EnergyVad, levels: number[]) => levels.map((l) => vad.push(l, 32));

describe('EnergyVad', () => {
  it('learns the line noise as the floor and marks speech above it', () => {
    const vad = new EnergyVad(params);
    expect(run(vad, Array(20).fill(-45))).toEqual(Array(20).fill(false));
    expect(vad.noiseFloorDb).toBeCloseTo(-45, 0);
    expect(run(vad, [-40, -30, -25, -33, -45])).toEqual([false, true, true, true, false]);
  });

  it('keeps the end of a word voiced (hysteresis) but not the floor', () => {
    const vad = new EnergyVad(params);
    run(vad, Array(10).fill(-58));
    // -49.5 dBFS is 8.5 dB above the floor: not enough to start speech, enough to continue it.
    expect(run(vad, [-49.5, -58, -40, -49.5, -56])).toEqual([false, false, true, true, false]);
  });

  it('rises slowly through long speech, so it stays speech', () => {
    const vad = new EnergyVad(params);
    run(vad, Array(10).fill(-60));
    // 10 s of steady speech at -30 dBFS: the floor may rise by at most 5 dB.
    const flags = run(vad, Array(312).fill(-30));
    expect(flags.every(Boolean)).toBe(true);
    expect(vad.noiseFloorDb).toBeLessThanOrEqual(-60 + 5.1);
  });

  it('never calls digital silence or faint hiss speech', () => {
    const vad = new EnergyVad(params);
    expect(run(vad, [-120, -120, -58, -55])).toEqual([false, false, false, false]);
  });

  it('leaves excluded windows (tones) out of both speech and the floor', () => {
    const vad = new EnergyVad(params);
    run(vad, Array(10).fill(-60));
    expect(vad.push(-20, 32, true)).toBe(false);
    expect(vad.noiseFloorDb).toBeCloseTo(-60, 0);
  });
});
