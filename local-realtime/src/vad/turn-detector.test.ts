import { describe, expect, it } from 'vitest';
import { type DetectorEvent, TurnDetector } from './turn-detector.ts';

/** Feeds probabilities as consecutive 32 ms frames; returns events tagged with the frame index. */
function run(detector: TurnDetector, probs: number[]): (DetectorEvent & { frame: number })[] {
  const out: (DetectorEvent & { frame: number })[] = [];
  probs.forEach((p, i) => out.push(...detector.push(p, i * 32, 32).map((e) => ({ ...e, frame: i }))));
  return out;
}

const params = { threshold: 0.5, minSpeechMs: 64, silenceMs: () => 320, pauseMs: () => 96 };

describe('TurnDetector', () => {
  it('starts after minSpeechMs of voiced frames and reports where the voiced run began', () => {
    const events = run(new TurnDetector(params), [0.1, 0.9, 0.2, 0.9, 0.95, 0.9]);
    // A single voiced frame (frame 1) is not enough; frames 3–4 are.
    expect(events).toEqual([{ type: 'speech_started', speechStartMs: 96, frame: 4 }]);
  });

  it('reports a pause after pauseMs and stops after silenceMs, with the end of the last voiced frame', () => {
    const probs = [0.9, 0.9, 0.9, ...Array(10).fill(0.05)];
    const events = run(new TurnDetector(params), probs);
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'pause', 'speech_stopped']);
    // Silence starts at frame 3 (96 ms): the pause is reported at the end of frame 5 (192 ms),
    // the stop 320 ms after the silence began, at the end of frame 12 (416 ms).
    expect(events[1]).toMatchObject({ type: 'pause', atMs: 192, frame: 5 });
    expect(events.at(-1)).toMatchObject({ type: 'speech_stopped', atMs: 416, lastVoicedEndMs: 96, frame: 12 });
  });

  it('ignores gaps shorter than pauseMs, and reports a resumption after a pause', () => {
    const gap = run(new TurnDetector(params), [0.9, 0.9, 0.1, 0.1, 0.9]);
    expect(gap.map((e) => e.type)).toEqual(['speech_started']);
    const probs = [0.9, 0.9, 0.1, 0.1, 0.1, 0.9, ...Array(11).fill(0.1)];
    const events = run(new TurnDetector(params), probs);
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'pause', 'speech_resumed', 'pause', 'speech_stopped']);
    expect(events.at(-1)).toMatchObject({ atMs: 6 * 32 + 320, lastVoicedEndMs: 192 });
  });

  it('uses hysteresis: frames between threshold-0.15 and threshold neither start nor break a pause', () => {
    // 0.4 is in the hysteresis band for threshold 0.5: it must not count as silence by itself…
    const inBand = run(new TurnDetector(params), [0.9, 0.9, ...Array(20).fill(0.4)]);
    expect(inBand.map((e) => e.type)).toEqual(['speech_started']);
    // …and must not cancel a pause that already started.
    const probs = [0.9, 0.9, 0.1, 0.4, 0.4, ...Array(8).fill(0.1)];
    const events = run(new TurnDetector(params), probs);
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'pause', 'speech_stopped']);
    expect(events.at(-1)).toMatchObject({ atMs: 64 + 320 });
  });

  it('re-reads the silence duration at every frame (semantic mode can lengthen a pause)', () => {
    let silenceMs = 320;
    const d = new TurnDetector({ ...params, silenceMs: () => silenceMs });
    run(d, [0.9, 0.9, 0.1, 0.1]);
    silenceMs = 2_000;
    expect(run(d, Array(20).fill(0.1)).some((e) => e.type === 'speech_stopped')).toBe(false);
    expect(d.speaking).toBe(true);
  });

  it('forgets speech in progress on reset', () => {
    const d = new TurnDetector(params);
    run(d, [0.9, 0.9]);
    d.reset();
    expect(d.speaking).toBe(false);
    expect(run(d, Array(20).fill(0.1))).toEqual([]);
  });
});
