import { describe, expect, it } from 'vitest';
import type { TranscriptLine } from '../api.ts';
import { Captions, MAX_CAPTIONS } from './captions.ts';

describe('captions', () => {
  it('appends agent deltas and replaces caller updates', () => {
    let last: TranscriptLine[] = [];
    const c = new Captions((l) => (last = l));
    c.apply('a1', 'agent', 'Hello ', { replace: false, final: false });
    c.apply('a1', 'agent', 'there.', { replace: false, final: false });
    c.apply('u1', 'caller', 'go', { replace: true, final: false });
    c.apply('u1', 'caller', 'go forward', { replace: true, final: true });
    c.finish('a1');
    expect(last.map((l) => [l.speaker, l.text, l.final])).toEqual([
      ['agent', 'Hello there.', true],
      ['caller', 'go forward', true],
    ]);
  });

  it('after a barge-in shows only what was played: the cut line ignores chunks still in flight', () => {
    let last: TranscriptLine[] = [];
    const c = new Captions((l) => (last = l));
    c.apply('a1', 'agent', 'Our opening hours are ', { replace: false, final: false });
    expect(c.cutAgent()).toBe('a1');
    c.apply('a1', 'agent', 'nine to five on weekdays.', { replace: false, final: false });
    expect(last[0]).toMatchObject({ text: 'Our opening hours are', interrupted: true, final: true });
    c.apply('a2', 'agent', 'Sure.', { replace: false, final: false }); // the next reply is a new segment
    expect(last[1]).toMatchObject({ text: 'Sure.', interrupted: false });
  });

  it('cutAgent does nothing when no agent line is being spoken', () => {
    const c = new Captions(() => {});
    c.apply('a1', 'agent', 'Done.', { replace: false, final: true });
    expect(c.cutAgent()).toBeNull();
    expect(c.lines[0]!.interrupted).toBe(false);
  });

  it('keeps the last MAX_CAPTIONS lines', () => {
    const c = new Captions(() => {});
    for (let i = 0; i < MAX_CAPTIONS + 5; i++) c.apply(`s${i}`, 'caller', String(i), { replace: true, final: true });
    expect(c.lines.length).toBe(MAX_CAPTIONS);
    expect(c.lines[0]!.text).toBe('5');
  });
});
