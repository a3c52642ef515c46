import { describe, expect, it } from 'vitest';
import { type BargeInAction, BargeInDetector } from './barge-in.ts';

const SPEECH = { probability: 0.9, levelDbfs: -25 };
const SILENCE = { probability: 0.05, levelDbfs: -80 };

/** Feeds `pattern` (one char per 32 ms frame: `v` voiced, `m` maybe-speech (p 0.35), `.` silent, `q` voiced-probability but quiet, `h` hangover) and collects actions. */
function play(pattern: string, opts: { agent?: (i: number) => boolean; minSpeechMs?: number } = {}) {
  const d = new BargeInDetector({ minSpeechMs: opts.minSpeechMs ?? 250, minLevelDbfs: -50 });
  const actions: (BargeInAction & { frame: number })[] = [];
  [...pattern].forEach((c, i) => {
    const f =
      c === 'v' ? SPEECH : c === 'm' ? { probability: 0.35, levelDbfs: -30 } : c === 'q' ? { probability: 0.9, levelDbfs: -62 } : c === 'h' ? { probability: 0.8, levelDbfs: -85 } : SILENCE;
    const a = d.frame({ endMs: 1_000 + (i + 1) * 32, ...f }, opts.agent ? opts.agent(i) : true);
    if (a) actions.push({ ...a, frame: i });
  });
  return actions;
}

describe('barge-in rule', () => {
  it('stops the agent after 250 ms of voiced speech over it, ducking after 64 ms', () => {
    const actions = play('..vvvvvvvvvvvv....');
    expect(actions.map((a) => [a.phase, a.frame, a.voicedMs])).toEqual([
      ['duck', 3, 64],
      ['interrupt', 9, 256],
    ]);
    expect(actions[1]!.atMs).toBe(1_000 + 2 * 32); // start of the first voiced frame
  });

  it('a 150 ms cough (5 frames, or 6 straddling frame edges) ducks and resumes, never interrupts', () => {
    for (const cough of ['vvvvv', 'vvvvvv']) {
      const actions = play(`...${cough}......`);
      expect(actions.map((a) => a.phase)).toEqual(['duck', 'resume']);
    }
  });

  it('Silero’s probability hangover after a burst does not count (level gate)', () => {
    expect(play('...vvvvvhhhhhhhh....').map((a) => a.phase)).toEqual(['duck', 'resume']);
  });

  it('"mm-hm": two short voiced runs with a gap are judged separately', () => {
    expect(play('..vvvvvv...vvvvv....').map((a) => a.phase)).toEqual(['duck', 'resume', 'duck', 'resume']);
  });

  it('bridges a single unvoiced frame inside speech', () => {
    expect(play('..vvvv.vvvv.vvvv...').map((a) => a.phase)).toEqual(['duck', 'interrupt']);
  });

  it('ignores quiet sound however long (background talk below −50 dBFS)', () => {
    expect(play('qqqqqqqqqqqqqqqqqqqqqqqq')).toEqual([]);
  });

  it('does nothing while the agent is silent, and resumes if the agent stops mid-run', () => {
    expect(play('vvvvvvvvvvvvvvvv', { agent: () => false })).toEqual([]);
    expect(play('..vvvvvvvvvv', { agent: (i) => i < 5 }).map((a) => [a.phase, a.frame])).toEqual([
      ['duck', 3],
      ['resume', 5],
    ]);
  });

  it('counts only the caller’s speech heard while the agent speaks (talking on into the agent’s reply)', () => {
    const actions = play('vvvvvvvvvvvvvvvvvvvv', { agent: (i) => i >= 10 });
    expect(actions.map((a) => [a.phase, a.frame])).toEqual([
      ['duck', 11],
      ['interrupt', 17],
    ]);
  });

  it('fires interrupt once per run and can fire again for the next one', () => {
    expect(play('vvvvvvvvvvvvvvvv....vvvvvvvvvv').map((a) => a.phase)).toEqual(['duck', 'interrupt', 'duck', 'interrupt']);
  });

  it('ducks on a word’s rising onset (maybe-speech frames) before Silero is sure; only voiced frames count toward stopping', () => {
    expect(play('..mmvvvvvvvv....').map((a) => [a.phase, a.frame, a.voicedMs])).toEqual([
      ['duck', 3, 0],
      ['interrupt', 11, 256],
    ]);
    expect(play('..mmmmmmmmmmmmmmmmmmmm....').map((a) => a.phase)).toEqual(['duck', 'resume']); // unsure for 640 ms: never stops the agent
  });

  it('the threshold is an option (a stricter rule lets longer backchannels through)', () => {
    expect(play('..vvvvvvvvvv....', { minSpeechMs: 400 }).map((a) => a.phase)).toEqual(['duck', 'resume']);
  });
});
