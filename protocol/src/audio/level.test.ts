import { describe, expect, it } from 'vitest';
import { energyEnvelope, levelDbfs, loudSpan, rmsLevel, toDbfs } from './level.ts';

const SR = 8000;
/** A 440 Hz sine of `ms` at amplitude `amp` (0..1), PCM16. */
const sine = (ms: number, amp: number) =>
  Int16Array.from({ length: (ms * SR) / 1000 }, (_, i) => Math.round(amp * 32767 * Math.sin((2 * Math.PI * 440 * i) / SR)));

describe('level', () => {
  it('measures PCM16 and Float32 on the same scale: a full-scale sine is about −3 dBFS', () => {
    const pcm = sine(100, 1);
    const float = Float32Array.from(pcm, (v) => v / 32768);
    expect(levelDbfs(pcm)).toBeCloseTo(-3, 0);
    expect(levelDbfs(float)).toBeCloseTo(levelDbfs(pcm), 6);
    expect(rmsLevel(pcm, 0, 0)).toBe(0);
  });

  it('clamps silence to the floor it is given', () => {
    expect(levelDbfs(new Int16Array(80))).toBe(-120);
    expect(levelDbfs(new Float32Array(80), 0, 80, -100)).toBe(-100);
    expect(toDbfs(1e-5, -100)).toBe(-100);
    expect(toDbfs(0.1)).toBeCloseTo(-20, 6);
  });

  it('energyEnvelope gives dBFS per 10 ms frame; loudSpan finds the first and last loud frame', () => {
    const pcm = new Int16Array([...new Int16Array(800), ...sine(300, 0.5), ...new Int16Array(800)]);
    const env = energyEnvelope(pcm, SR);
    expect(env.length).toBe(50);
    expect(env[0]).toBe(-120);
    expect(env[15]).toBeCloseTo(-9, 0);
    expect(loudSpan(pcm, SR)).toEqual({ startMs: 100, endMs: 400 });
    expect(loudSpan(new Int16Array(800), SR)).toBeNull();
  });
});
