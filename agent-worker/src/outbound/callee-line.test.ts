import { describe, expect, it } from 'vitest';
import { AnswerAligner } from './callee-line.ts';
import { silence, tone } from './amd/test-signals.ts';

const T = 1_800_000_000_000;
const frame = (audible: boolean) => (audible ? tone(300, 10, -20) : silence(10)); // 10 ms at 16 kHz

describe('AnswerAligner', () => {
  it('answers at the attribute: silent frames before it are dropped, later ones stamped contiguously', () => {
    const a = new AnswerAligner();
    expect(a.push(frame(false), T + 10).frames).toEqual([]);
    expect(a.push(frame(false), T + 20).frames).toEqual([]);
    const r = a.answer(T + 25);
    expect(r).toEqual({ frames: [], answered: T + 25 });
    const next = a.push(frame(true), T + 30);
    expect(next.frames.map((f) => f.startMs)).toEqual([T + 20]); // the running count, not the arrival jitter
    expect(a.push(frame(true), T + 48).frames[0]!.startMs).toBe(T + 30);
  });

  it('an audible frame before the attribute is the answer, and it is not lost', () => {
    const a = new AnswerAligner();
    a.push(frame(false), T + 10);
    const r = a.push(frame(true), T + 20);
    expect(r.answered).toBe(T + 10);
    expect(r.frames.map((f) => f.startMs)).toEqual([T + 10]);
    expect(a.answer(T + 60)).toEqual({ frames: [], answered: null }); // the attribute later changes nothing
    expect(a.answeredAtMs).toBe(T + 10);
  });

  it('a stall re-anchors to arrival (lost audio is a gap, time never goes back)', () => {
    const a = new AnswerAligner();
    a.answer(T);
    expect(a.push(frame(true), T + 10).frames[0]!.startMs).toBe(T);
    expect(a.push(frame(true), T + 20).frames[0]!.startMs).toBe(T + 10);
    expect(a.push(frame(true), T + 900).frames[0]!.startMs).toBe(T + 890);
    expect(a.push(frame(true), T + 905).frames[0]!.startMs).toBe(T + 900); // a burst keeps the count
  });
});
