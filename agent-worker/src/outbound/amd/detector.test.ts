import { describe, expect, it } from 'vitest';
import { AmdDetector, type AmdDetectorOptions } from './detector.ts';
import { concat, frames, mix, noise, recording, silence, tone } from './test-signals.ts';
import { AMD_WINDOW_SAMPLES, type AmdDecisionEvent, type AmdEvent, type AmdVoicemailReadyEvent } from './types.ts';

/** A call answered at t = 10 000 ms on a fake clock that follows the audio. */
const ANSWER = 10_000;

function call(config: AmdDetectorOptions['config'] = {}) {
  let now = ANSWER;
  const seen: AmdEvent[] = [];
  const amd = new AmdDetector({ answeredAtMs: ANSWER, clock: () => now, config, onEvent: (e) => seen.push(e) });
  /** Plays `samples` in 20 ms frames from `atMs` after answer; returns the events. */
  const play = (samples: Int16Array, atMs = 0) => {
    const out: AmdEvent[] = [];
    for (const f of frames(samples, 20, ANSWER + atMs)) {
      now = f.startMs + 20;
      out.push(...amd.handleFrame(f));
    }
    return out;
  };
  return {
    amd,
    seen,
    play,
    setNow: (sinceAnswerMs: number) => (now = ANSWER + sinceAnswerMs),
  };
}
const decisionOf = (events: AmdEvent[]) => events.find((e): e is AmdDecisionEvent => e.type === 'amd_decision');
const readyOf = (events: AmdEvent[]) => events.find((e): e is AmdVoicemailReadyEvent => e.type === 'amd_voicemail_ready');
/** Line noise under everything, so the floor is realistic. */
const withLine = (x: Int16Array) => mix(x, noise(x.length / 16, -60, 42));

/** A person's short answer: "ten" (a real recording, 0.3 s), as a "hello?". */
const HELLO = recording('cards-001', 20, 360);

describe('AmdDetector: a person', () => {
  it('decides human soon after a short answer and a short pause (the quick rule), with the evidence', () => {
    const c = call();
    const events = c.play(withLine(concat(silence(400), HELLO, silence(3000))));
    const d = decisionOf(events)!;
    expect(d.decision).toBe('human');
    expect(d.reason).toBe('short_answer_then_pause');
    const speechEnd = 400 + 340;
    // After ~0.35 s of silence, not the usual 0.7 s.
    expect(d.timeToDecisionMs).toBeGreaterThan(speechEnd + 300);
    expect(d.timeToDecisionMs).toBeLessThan(speechEnd + 550);
    expect(d.atMs).toBe(ANSWER + d.timeToDecisionMs);
    expect(d.evidence.speech).toHaveLength(1);
    expect(Math.abs(d.evidence.speech[0]!.onsetMs - 400)).toBeLessThanOrEqual(160);
    expect(d.evidence.trailingSilenceMs).toBeGreaterThanOrEqual(350);
    expect(d.evidence.trailingSilenceMs).toBeLessThan(700);
    // Nothing else: the silence went on, so the quick decision stood (no second decision) and was
    // confirmed once the silence reached the usual 0.7 s.
    expect(events.filter((e) => e.type === 'amd_decision')).toHaveLength(1);
    const confirmed = events.filter((e) => e.type === 'amd_confirmed');
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.sinceAnswerMs - (d.timeToDecisionMs - d.evidence.trailingSilenceMs)).toBeGreaterThanOrEqual(700);
    expect(confirmed[0]!.sinceAnswerMs).toBeLessThan(d.timeToDecisionMs + 450);
    expect(d.evidence.beep).toBeNull();
    expect(c.seen).toEqual(events);
    expect(readyOf(events)).toBeUndefined();
    // It listens on for a late beep during the revision window (4 s), then is done.
    expect(c.amd.finished).toBe(false);
    expect(c.play(withLine(silence(3000)), 3740)).toEqual([]);
    expect(c.amd.finished).toBe(true);
  });

  it('with the quick rule off (quickSpeechMs 0), waits for the usual 0.7 s of silence', () => {
    const c = call({ quickSpeechMs: 0 });
    const d = decisionOf(c.play(withLine(concat(silence(400), HELLO, silence(3000)))))!;
    expect(d).toMatchObject({ decision: 'human', reason: 'short_speech_then_silence' });
    expect(d.timeToDecisionMs).toBeGreaterThan(400 + 340 + 500);
    expect(d.timeToDecisionMs).toBeLessThan(400 + 340 + 900);
    expect(d.evidence.trailingSilenceMs).toBeGreaterThanOrEqual(700);
  });

  it('counts a synthetic voice\'s tonal vowels as sound, not as silence (regression: flite greeting taken for a person)', () => {
    const c = call();
    // A short word running into 640 ms of a steady vowel: tonal, but right after speech, so no beep.
    const vowels = tone(480, 640, -25);
    // Aligned to the 32 ms windows (the vowel spans 768–1408 ms), so no window holds its edge.
    const d = decisionOf(c.play(withLine(concat(silence(428), HELLO, vowels, silence(3000)))))!;
    expect(d.decision).toBe('human');
    expect(d.evidence.beep).toBeNull();
    // The pause is counted from the vowels' end (1408 ms), not from the word's (768 ms).
    expect(d.timeToDecisionMs).toBeGreaterThanOrEqual(1408 + 300);
  });

  it('waits longer after a longer answer (3 s of speech) and still decides human', () => {
    const c = call();
    const speech = recording('librivox-0880', 150, 2850); // "he was not an ill disposed young man"
    const d = decisionOf(c.play(withLine(concat(silence(300), speech, speech.slice(0, 4800), silence(3000)))))!;
    expect(d.decision).toBe('human');
    expect(d.evidence.utteranceMs).toBeGreaterThan(2500);
    // The silence needed grows with the speech: more than after a short "hello".
    expect(d.evidence.trailingSilenceMs).toBeGreaterThan(1000);
  });
});

describe('AmdDetector: a machine', () => {
  it('decides machine_greeting once speech goes on longer than a person answers', () => {
    const c = call();
    const events = c.play(withLine(concat(silence(300), recording('librivox-0870', 150, 7040), silence(2500))));
    const d = decisionOf(events)!;
    expect(d.decision).toBe('machine_greeting');
    expect(d.reason).toBe('long_speech');
    expect(d.timeToDecisionMs).toBeGreaterThan(300 + 3900);
    expect(d.timeToDecisionMs).toBeLessThan(300 + 4600);
    // No beep: the message may start once the greeting ended and the line stayed silent.
    const r = readyOf(events)!;
    expect(r.reason).toBe('greeting_end');
    expect(r.sinceAnswerMs).toBeGreaterThan(300 + 6890 + 1400);
    expect(r.sinceAnswerMs).toBeLessThan(300 + 6890 + 1800);
    expect(r.beep).toBeNull();
    expect(c.amd.finished).toBe(true);
  });

  it('keeps listening after the decision and reports the beep: when it ended and its frequency', () => {
    const c = call();
    const greetingEnd = 300 + 6890;
    const beepStart = greetingEnd + 500;
    const events = c.play(withLine(concat(silence(300), recording('librivox-0870', 150, 7040), silence(500), tone(1400, 400, -18), silence(3000))));
    expect(decisionOf(events)!.decision).toBe('machine_greeting');
    const r = readyOf(events)!;
    expect(r.reason).toBe('beep');
    expect(r.beep!.frequencyHz).toBeGreaterThanOrEqual(1395);
    expect(r.beep!.frequencyHz).toBeLessThanOrEqual(1405);
    // The message starts right after the beep, not during it.
    expect(r.sinceAnswerMs).toBeGreaterThanOrEqual(beepStart + 400);
    expect(r.sinceAnswerMs).toBeLessThan(beepStart + 400 + 100);
    expect(events.indexOf(r)).toBeGreaterThan(events.indexOf(decisionOf(events)!));
  });

  it('decides machine_beep at the beep after a greeting too short to tell, and the message may start at once', () => {
    const c = call({ quickSpeechMs: 0 });
    const hi = recording('goforward', 440, 1190); // 0.75 s, like "Hi, it's Sam"
    const events = c.play(withLine(concat(silence(300), hi, silence(400), tone(1000, 500, -18), silence(2000))));
    const d = decisionOf(events)!;
    expect(d.decision).toBe('machine_beep');
    expect(d.reason).toBe('beep');
    const beepEnd = 300 + 750 + 400 + 500;
    expect(d.timeToDecisionMs).toBeGreaterThanOrEqual(beepEnd);
    expect(d.timeToDecisionMs).toBeLessThan(beepEnd + 100);
    expect(d.evidence.beep).toMatchObject({ frequencyHz: 1000 });
    expect(Math.abs(d.evidence.beep!.durationMs - 500)).toBeLessThanOrEqual(64);
    const r = readyOf(events)!;
    expect(r).toMatchObject({ reason: 'beep', sinceAnswerMs: d.timeToDecisionMs });
  });

  it('decides machine_greeting from a transcript cue before the audio rules can', () => {
    const c = call();
    // 2 s of greeting: not yet long enough for the audio rule.
    expect(decisionOf(c.play(withLine(concat(silence(300), recording('librivox-0870', 150, 2150)))))).toBeUndefined();
    c.setNow(2400);
    const events = c.amd.handleTranscript({ text: "Hi, you've reached Mary, please leave a" });
    expect(decisionOf(events)).toMatchObject({ decision: 'machine_greeting', reason: 'transcript_cue', timeToDecisionMs: 2400 });
    expect(decisionOf(events)!.evidence.cues.map((m) => m.cue)).toEqual(["you've reached"]);
    // A phrase split across snippets still counts; each is recorded once, without the words around it.
    c.amd.handleTranscript({ text: 'message', atMs: ANSWER + 2700 });
    expect(c.amd.evidence().cues).toEqual([
      { cue: "you've reached", atMs: 2400 },
      { cue: 'leave a message', atMs: 2700 },
    ]);
  });

  it('ignores transcripts when no cues are configured', () => {
    const c = call({ cues: [] });
    expect(c.amd.handleTranscript({ text: 'please leave a message after the tone', atMs: ANSWER + 500 })).toEqual([]);
    expect(c.amd.decision).toBeNull();
  });
});

describe('AmdDetector: nobody speaks', () => {
  it('decides unknown at the no-speech timeout on silent audio', () => {
    const c = call({ noSpeechTimeoutMs: 4000 });
    const d = decisionOf(c.play(withLine(silence(6000))))!;
    expect(d).toMatchObject({ decision: 'unknown', reason: 'no_speech' });
    expect(d.timeToDecisionMs).toBeGreaterThanOrEqual(4000);
    expect(d.timeToDecisionMs).toBeLessThan(4000 + 64);
  });

  it('applies the timeout on the clock when no audio arrives at all', () => {
    const c = call({ noSpeechTimeoutMs: 4000 });
    c.setNow(3000);
    expect(c.amd.handleTick()).toEqual([]);
    c.setNow(4100);
    expect(decisionOf(c.amd.handleTick())).toMatchObject({ decision: 'unknown', reason: 'no_speech', timeToDecisionMs: 4100 });
  });

  it('does not take a cough-like noise burst for an answer', () => {
    const c = call({ noSpeechTimeoutMs: 4000 });
    const burst = noise(40, -20, 7);
    expect(decisionOf(c.play(withLine(concat(silence(1000), burst, silence(4000)))))).toMatchObject({ decision: 'unknown' });
  });
});

describe('AmdDetector: input checks', () => {
  it('skips audio from before the answer (early media)', () => {
    const c = call();
    // Ringback-like tone before answer, then a person.
    const events = c.play(concat(tone(440, 1000, -20), silence(300), HELLO, silence(2000)), -1000);
    expect(decisionOf(events)!.decision).toBe('human');
    expect(decisionOf(events)!.evidence.beep).toBeNull();
  });

  it('treats lost audio as silence and rejects frames that go back in time', () => {
    const c = call();
    c.play(withLine(concat(silence(300), HELLO)));
    // 1.5 s of audio missing, then silence again: the pause counts from the last speech.
    const events = c.play(withLine(silence(200)), 300 + 340 + 1500);
    expect(decisionOf(events)!.decision).toBe('human');
    expect(() => c.amd.handleFrame({ samples: silence(20), startMs: ANSWER })).toThrow(RangeError);
  });

  it('with the probability VAD, takes one window per frame with its probability', () => {
    const c = new AmdDetector({ answeredAtMs: 0, clock: () => 0, config: { vad: { kind: 'probability' } } });
    expect(() => c.handleFrame({ samples: silence(20), startMs: 0, speechProbability: 0.9 })).toThrow(RangeError);
    expect(() => c.handleFrame({ samples: new Int16Array(AMD_WINDOW_SAMPLES), startMs: 0 })).toThrow(RangeError);
    expect(() => c.handleFrame({ samples: new Int16Array(AMD_WINDOW_SAMPLES), startMs: 0, speechProbability: 1.5 })).toThrow(RangeError);
  });

  it('with the probability VAD, speech comes from the probabilities, not the level', () => {
    // Loud noise the energy VAD would call speech, scored 0 by "Silero": no speech, unknown.
    const loud = withLine(noise(6000, -20, 3));
    const amd = new AmdDetector({ answeredAtMs: 0, config: { vad: { kind: 'probability' }, noSpeechTimeoutMs: 4000 } });
    const events: AmdEvent[] = [];
    for (let i = 0; i + AMD_WINDOW_SAMPLES <= loud.length; i += AMD_WINDOW_SAMPLES) {
      events.push(...amd.handleFrame({ samples: loud.slice(i, i + AMD_WINDOW_SAMPLES), startMs: i / 16, speechProbability: 0.02 }));
    }
    expect(decisionOf(events)).toMatchObject({ decision: 'unknown', reason: 'no_speech' });
    expect(decisionOf(events)!.evidence.vad).toBe('probability');
  });

  it('rejects bad settings with the field named', () => {
    expect(() => new AmdDetector({ answeredAtMs: 0, config: { humanSilenceMs: -1 } })).toThrow(/humanSilenceMs/);
    expect(() => new AmdDetector({ answeredAtMs: 0, config: { shortSpeechMs: 5000, machineSpeechMs: 4000 } })).toThrow(/shortSpeechMs/);
    expect(() => new AmdDetector({ answeredAtMs: 0, config: { humanSilenceMS: 500 } as never })).toThrow(/humanSilenceMS/);
    expect(() => new AmdDetector({ answeredAtMs: Number.NaN })).toThrow(RangeError);
    expect(() => new AmdDetector({ answeredAtMs: 0, config: { quickSilenceMs: 800 } })).toThrow(/quickSilenceMs must not exceed humanSilenceMs/);
    expect(() => new AmdDetector({ answeredAtMs: 0, config: { quickSpeechMs: 1500 } })).toThrow(/quickSpeechMs must not exceed shortSpeechMs/);
  });
});

describe('AmdDetector: revising a decision', () => {
  it('revises human to machine_beep when a beep follows a greeting as short as an answer (regression: "Hi, it\'s Alex." + 0.9 s + beep)', () => {
    const c = call();
    const events = c.play(withLine(concat(silence(300), HELLO, silence(900), tone(1000, 500, -18), silence(1500))));
    const decisions = events.filter((e): e is AmdDecisionEvent => e.type === 'amd_decision');
    expect(decisions.map((d) => [d.decision, d.revises])).toEqual([
      ['human', null],
      ['machine_beep', 'human'],
    ]);
    expect(c.amd.decision!.decision).toBe('machine_beep');
    expect(readyOf(events)).toMatchObject({ reason: 'beep' });
    expect(c.amd.finished).toBe(true);
  });

  it('a greeting too short to tell and a 0.45 s pause: the quick human is withdrawn as the beep starts, then machine_beep at its end', () => {
    const c = call();
    const hi = recording('goforward', 440, 1190); // 0.75 s, like "Hi, it's Sam"
    const events = c.play(withLine(concat(silence(300), hi, silence(450), tone(1000, 500, -18), silence(2000))));
    const decisions = events.filter((e): e is AmdDecisionEvent => e.type === 'amd_decision');
    expect(decisions.map((d) => [d.decision, d.reason, d.revises])).toEqual([
      ['human', 'short_answer_then_pause', null],
      ['unknown', 'speech_resumed', 'human'],
      ['machine_beep', 'beep', 'unknown'],
    ]);
    const beepStart = 300 + 750 + 450;
    // Withdrawn within two windows of the beep's start, long before the beep ends.
    expect(decisions[1]!.timeToDecisionMs).toBeGreaterThanOrEqual(beepStart);
    expect(decisions[1]!.timeToDecisionMs).toBeLessThan(beepStart + 100);
    expect(readyOf(events)).toMatchObject({ reason: 'beep' });
    expect(readyOf(events)!.sinceAnswerMs).toBeGreaterThanOrEqual(300 + 750 + 400 + 500);
  });

  it('withdraws a quick human when speech resumes within the usual pause ("Hi, you\'ve reached…"), then decides machine_greeting', () => {
    const c = call();
    const hi = recording('goforward', 440, 1190);
    const events = c.play(withLine(concat(silence(300), hi, silence(550), recording('librivox-0870', 150, 7040), silence(2500))));
    const decisions = events.filter((e): e is AmdDecisionEvent => e.type === 'amd_decision');
    expect(decisions.map((d) => [d.decision, d.reason, d.revises])).toEqual([
      ['human', 'short_answer_then_pause', null],
      ['unknown', 'speech_resumed', 'human'],
      ['machine_greeting', 'long_speech', 'unknown'],
    ]);
    expect(events.some((e) => e.type === 'amd_confirmed'), 'a withdrawn quick decision is never confirmed').toBe(false);
    const resumedAt = 300 + 750 + 550;
    // Withdrawn as soon as the next phrase is heard (a segment needs ~0.1 s of speech).
    expect(decisions[1]!.timeToDecisionMs).toBeGreaterThanOrEqual(resumedAt);
    expect(decisions[1]!.timeToDecisionMs).toBeLessThan(resumedAt + 250);
    expect(readyOf(events)).toMatchObject({ reason: 'greeting_end' });
    expect(c.amd.decision!.decision).toBe('machine_greeting');
  });

  it('a person who says "hello?" twice with a short pause: withdrawn, then human by the usual rule', () => {
    const c = call();
    const events = c.play(withLine(concat(silence(300), HELLO, silence(500), HELLO, silence(3000))));
    const decisions = events.filter((e): e is AmdDecisionEvent => e.type === 'amd_decision');
    expect(decisions.map((d) => [d.decision, d.reason])).toEqual([
      ['human', 'short_answer_then_pause'],
      ['unknown', 'speech_resumed'],
      ['human', 'short_speech_then_silence'],
    ]);
    expect(c.amd.finished).toBe(false); // still listening for a late beep
  });

  it('a line that goes quiet (no frames) after a quick human: the clock confirms it once the silence would have passed, not before', () => {
    const c = call();
    const events = c.play(withLine(concat(silence(300), HELLO, silence(400))));
    const d = decisionOf(events)!;
    expect(d.reason).toBe('short_answer_then_pause');
    const audioEnd = 300 + 340 + 400;
    const speechEnd = d.timeToDecisionMs - d.evidence.trailingSilenceMs;
    // Audio stalled, but the usual silence has not passed yet: nothing.
    c.setNow(speechEnd + 600);
    expect(c.amd.handleTick()).toEqual([]);
    c.setNow(Math.max(speechEnd + 700, audioEnd + 300));
    expect(c.amd.handleTick()).toEqual([expect.objectContaining({ type: 'amd_confirmed' })]);
    expect(c.amd.handleTick()).toEqual([]); // once
  });

  it('does not withdraw once the usual silence has passed (a person speaking again after 2 s)', () => {
    const c = call();
    const events = c.play(withLine(concat(silence(300), HELLO, silence(2000), HELLO, silence(3000))));
    expect(events.filter((e) => e.type === 'amd_decision').map((e) => (e as AmdDecisionEvent).reason)).toEqual(['short_answer_then_pause']);
  });

  it('revises human after a greeting that opens with "Hello." and a full pause, however long it then talks before its beep', () => {
    const c = call();
    // "Hello." (0.34 s), 0.9 s — a person's pause — then 6.9 s of greeting, 0.8 s, the beep.
    const greeting = recording('librivox-0870', 150, 7040);
    const beepAt = 300 + 340 + 900 + 6890 + 800;
    const events = c.play(withLine(concat(silence(300), HELLO, silence(900), greeting, silence(800), tone(1000, 500, -18), silence(1500))));
    const decisions = events.filter((e): e is AmdDecisionEvent => e.type === 'amd_decision');
    expect(decisions.map((d) => [d.decision, d.reason, d.revises])).toEqual([
      ['human', 'short_answer_then_pause', null],
      ['machine_beep', 'beep', 'human'],
    ]);
    // The beep came long after the revision window counted from the decision alone.
    expect(beepAt - decisions[0]!.timeToDecisionMs).toBeGreaterThan(c.amd.config.revisionWindowMs + 2000);
    expect(decisions[1]!.timeToDecisionMs).toBeGreaterThan(beepAt);
    expect(readyOf(events)).toMatchObject({ reason: 'beep' });
  });

  it('a person who waits out the greeting pause, then talks: a beep later than the window does not revise', () => {
    const c = call();
    // "ten", 2 s of silence (past greetingEndSilenceMs: the monologue ended), 2.6 s of speech, 1 s, a tone.
    const events = c.play(withLine(concat(silence(300), HELLO, silence(2000), recording('librivox-0880', 210, 2790), silence(1000), tone(1000, 500, -18), silence(1000))));
    expect(events.filter((e) => e.type === 'amd_decision').map((e) => (e as AmdDecisionEvent).decision)).toEqual(['human']);
    expect(c.amd.finished).toBe(true);
  });

  it('does not revise after the revision window, nor on a transcript', () => {
    const c = call({ revisionWindowMs: 1000 });
    const events = c.play(withLine(concat(silence(300), HELLO, silence(2500), tone(1000, 500, -18), silence(1000))));
    expect(events.filter((e) => e.type === 'amd_decision')).toHaveLength(1);
    expect(c.amd.finished).toBe(true);
    const d = call();
    d.play(withLine(concat(silence(300), HELLO, silence(1200))));
    expect(d.amd.handleTranscript({ text: "sorry, she's not available", atMs: ANSWER + 1600 })).toEqual([]);
    expect(d.amd.decision!.decision).toBe('human');
  });
});
