import { describe, expect, it, vi } from 'vitest';
import type { OutboundEvent } from '@voice-widget/protocol';
import { AmdDetector, type AmdDecision, type AmdDecisionEvent, type AmdEvent, type AmdVoicemailReadyEvent, type BeepEvidence } from './amd/index.ts';
import { concat, frames, recording, silence, tone } from './amd/test-signals.ts';
import { OutboundConductor, type OutboundVoice, VOICEMAIL_START_TIMEOUT_MS } from './conductor.ts';
import { outboundScript } from './script.ts';

const T0 = 1_800_000_000_000;
const script = outboundScript({ callee: { name: 'Ada Lovelace' }, reason: 'your order', company: 'Acme', callbackNumber: '+15550100' }, false);
const evidence = { speech: [], pauses: [], trailingSilenceMs: 0, utteranceMs: 0, beep: null, cues: [], noiseFloorDb: -70, vad: 'energy' as const };
const beep: BeepEvidence = { startMs: 4000, endMs: 4500, durationMs: 500, frequencyHz: 1000, frequencySpreadHz: 1, tonality: 0.9, levelDb: -15 };
const decision = (d: AmdDecision, ms: number, revises: AmdDecision | null = null): AmdDecisionEvent => ({ type: 'amd_decision', atMs: T0 + ms, decision: d, reason: d === 'human' ? 'short_speech_then_silence' : d === 'machine_beep' ? 'beep' : d === 'unknown' ? 'no_speech' : 'long_speech', revises, timeToDecisionMs: ms, evidence });
const ready = (ms: number, withBeep = true): AmdVoicemailReadyEvent => ({ type: 'amd_voicemail_ready', atMs: T0 + ms, reason: withBeep ? 'beep' : 'greeting_end', sinceAnswerMs: ms, beep: withBeep ? beep : null });

/** A voice that records what it was asked; each `say` starts playing `startDelayMs` after it is asked (on the call's clock). */
function fakeVoice(clock: { now: number }, startDelayMs = 300, silentSays = 0) {
  const log: string[] = [];
  const finish: (() => void)[] = [];
  let silent = silentSays;
  const voice: OutboundVoice = {
    say: (text, o) => {
      log.push(`say${o.interruptible ? '' : '!'}:${text.slice(0, 24)}`);
      let end!: () => void;
      const done = new Promise<void>((r) => (end = r));
      finish.push(end);
      // A say whose audio never plays: `started` settles null when it ends.
      const started = silent-- > 0 ? done.then(() => null) : Promise.resolve(clock.now + startDelayMs);
      return { started, done };
    },
    listen: (on) => void log.push(`listen:${on}`),
    interrupt: () => void log.push('interrupt'),
    hold: (on) => void log.push(`hold:${on}`),
    hangUp: async (why) => void log.push(`hangup:${why}`),
  };
  return { voice, log, finishSpeech: () => finish.shift()?.() };
}

function setup(onMachine: 'leave_message' | 'hang_up' = 'leave_message', silentSays = 0) {
  const clock = { now: T0 };
  const v = fakeVoice(clock, 300, silentSays);
  const reports: OutboundEvent[] = [];
  const c = new OutboundConductor(script, v.voice, (e) => reports.push(e), { answeredAtMs: T0, onMachine });
  const at = (ms: number, e: AmdEvent) => {
    clock.now = T0 + ms;
    c.handle(e);
  };
  return { c, v, reports, at };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('OutboundConductor', () => {
  it('a person: nothing said before the decision, then the line opens to the model and the opener plays', async () => {
    const { c, v, reports, at } = setup();
    expect(v.log).toEqual([]);
    at(1300, decision('human', 1300));
    await tick();
    expect(v.log).toEqual(['listen:true', `say:${script.humanOpener.slice(0, 24)}`]);
    expect(c.state).toBe('conversing');
    expect(reports.map((r) => r.type)).toEqual(['amd_decision', 'opener_started']);
    expect(reports[1]).toMatchObject({ opener: 'human', sinceAnswerMs: 1600 });
  });

  it('unknown: the neutral opener', async () => {
    const { v, reports, at } = setup();
    at(5000, decision('unknown', 5000));
    await tick();
    expect(v.log[1]).toBe(`say:${script.neutralOpener.slice(0, 24)}`);
    expect(reports[1]).toMatchObject({ opener: 'neutral' });
  });

  it('a machine: silent through the greeting, the message after the beep (timed from the beep’s end), then hang up', async () => {
    const { c, v, reports, at } = setup();
    at(4100, decision('machine_greeting', 4100));
    expect(v.log).toEqual([]); // not a word over the greeting, the line stays muted
    at(4560, ready(4560));
    await tick();
    expect(v.log).toEqual([`say!:${script.voicemail.slice(0, 24)}`]);
    expect(reports.find((r) => r.type === 'voicemail_started')).toMatchObject({ sinceAnswerMs: 4860, afterBeepMs: 360 });
    v.finishSpeech();
    await tick();
    await tick();
    expect(v.log.at(-1)).toBe('hangup:voicemail left');
    expect(c.state).toBe('done');
    expect(reports.map((r) => r.type)).toEqual(['amd_decision', 'voicemail_ready', 'voicemail_started', 'voicemail_finished']);
  });

  it('a beep after a person-like answer: stop talking, mute, leave the message after that beep', async () => {
    const { v, reports, at } = setup();
    at(1400, decision('human', 1400));
    at(4560, decision('machine_beep', 4560, 'human'));
    at(4560, ready(4560));
    await tick();
    expect(v.log).toEqual(['listen:true', `say:${script.humanOpener.slice(0, 24)}`, 'interrupt', 'listen:false', `say!:${script.voicemail.slice(0, 24)}`]);
    expect(reports.filter((r) => r.type === 'amd_decision').map((r) => (r as { revises: string | null }).revises)).toEqual([null, 'human']);
  });

  it('a quick "person" withdrawn because speech resumed: the opener is stopped, the line muted, and the next decision acted on (a greeting → the message after the beep)', async () => {
    const { c, v, reports, at } = setup();
    at(1300, { ...decision('human', 1300), reason: 'short_answer_then_pause' });
    at(1650, { ...decision('unknown', 1650, 'human'), reason: 'speech_resumed' });
    expect(c.state).toBe('waiting');
    at(4100, decision('machine_greeting', 4100, 'unknown'));
    at(4560, ready(4560));
    await tick();
    // The opener was held from the start, interrupted while held, and only then the hold released.
    expect(v.log).toEqual(['listen:true', 'hold:true', `say:${script.humanOpener.slice(0, 24)}`, 'interrupt', 'listen:false', 'hold:false', `say!:${script.voicemail.slice(0, 24)}`]);
    expect(reports.filter((r) => r.type === 'amd_decision').map((r) => (r as { reason: string }).reason)).toEqual(['short_answer_then_pause', 'speech_resumed', 'long_speech']);
  });

  it('a quick "person": the opener is asked for at once but held until the pause is confirmed; a later revision needs no release', async () => {
    const { c, v, at } = setup();
    at(1300, { ...decision('human', 1300), reason: 'short_answer_then_pause' });
    expect(v.log).toEqual(['listen:true', 'hold:true', `say:${script.humanOpener.slice(0, 24)}`]);
    at(1650, { type: 'amd_confirmed', atMs: T0 + 1650, sinceAnswerMs: 1650 });
    expect(v.log.at(-1)).toBe('hold:false');
    expect(c.state).toBe('conversing');
    at(3000, decision('machine_beep', 3000, 'human'));
    expect(v.log.slice(3)).toEqual(['hold:false', 'interrupt', 'listen:false']);
    // A person decided by the usual rule (not provisional) is never held.
    const other = setup();
    other.at(2000, decision('human', 2000));
    expect(other.v.log).toEqual(['listen:true', `say:${script.humanOpener.slice(0, 24)}`]);
  });

  it('a quick "person" withdrawn, then decided a person again: the opener starts once more', async () => {
    const { c, v, at } = setup();
    at(1300, { ...decision('human', 1300), reason: 'short_answer_then_pause' });
    at(1650, { ...decision('unknown', 1650, 'human'), reason: 'speech_resumed' });
    at(3200, decision('human', 3200, 'unknown'));
    await tick();
    expect(v.log).toEqual(['listen:true', 'hold:true', `say:${script.humanOpener.slice(0, 24)}`, 'interrupt', 'listen:false', 'hold:false', 'listen:true', `say:${script.humanOpener.slice(0, 24)}`]);
    expect(c.state).toBe('conversing');
  });

  it('a voicemail message that never starts playing is stopped and asked again once; the call ends after the second', async () => {
    vi.useFakeTimers();
    try {
      const { v, reports, at } = setup('leave_message', 1);
      at(4100, decision('machine_greeting', 4100));
      at(4560, ready(4560));
      await vi.advanceTimersByTimeAsync(VOICEMAIL_START_TIMEOUT_MS - 100);
      expect(v.log).toEqual([`say!:${script.voicemail.slice(0, 24)}`]);
      await vi.advanceTimersByTimeAsync(200);
      expect(v.log).toEqual([`say!:${script.voicemail.slice(0, 24)}`, 'interrupt', `say!:${script.voicemail.slice(0, 24)}`]);
      v.finishSpeech(); // the first attempt ends (interrupted): nothing more
      await vi.advanceTimersByTimeAsync(0);
      expect(reports.map((r) => r.type)).toEqual(['amd_decision', 'voicemail_ready', 'voicemail_started']);
      v.finishSpeech(); // the second plays out
      await vi.advanceTimersByTimeAsync(0);
      expect(reports.map((r) => r.type)).toEqual(['amd_decision', 'voicemail_ready', 'voicemail_started', 'voicemail_finished']);
      expect(v.log.at(-1)).toBe('hangup:voicemail left');
      // A message that plays is never asked again.
      const ok = setup();
      ok.at(4100, decision('machine_greeting', 4100));
      ok.at(4560, ready(4560));
      await vi.advanceTimersByTimeAsync(VOICEMAIL_START_TIMEOUT_MS * 2);
      expect(ok.v.log).toEqual([`say!:${script.voicemail.slice(0, 24)}`]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('onMachine hang_up: no message, the call ends at the decision', async () => {
    const { v, reports, at } = setup('hang_up');
    at(4100, decision('machine_greeting', 4100));
    at(4560, ready(4560));
    await tick();
    expect(v.log).toEqual(['hangup:answering machine']);
    expect(reports.map((r) => r.type)).toEqual(['amd_decision', 'machine_hangup', 'voicemail_ready']);
  });

  it('with the real detector: a real "go forward…" answer then silence → the opener; a greeting-length voice and a beep → the message after the beep', async () => {
    for (const [audio, expected] of [
      [concat(silence(400), recording('goforward', 0, 1100), silence(3000)), 'say:Hi'],
      [concat(silence(300), recording('librivox-0880'), recording('librivox-0870'), silence(600), tone(1000, 500), silence(2500)), 'say!:Hello'],
    ] as const) {
      const { v, at } = setup();
      const amd = new AmdDetector({ answeredAtMs: T0, clock: () => T0 });
      for (const f of frames(audio, 20, T0)) for (const e of amd.handleFrame(f)) at(f.startMs - T0, e);
      await tick();
      const said = v.log.filter((l) => l.startsWith('say'));
      expect(said).toHaveLength(1);
      expect(said[0]!.startsWith(expected), v.log.join(' | ')).toBe(true);
    }
  });
});
