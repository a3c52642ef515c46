import { describe, expect, it } from 'vitest';
import type { RecognizerSource } from '../asr/turn-recognizer.ts';
import type { SpeechScorer } from '../vad/voice-activity.ts';
import { type InputEvent, InputAudio } from './input-audio.ts';
import { withVadDefaults } from './session-config.ts';

/** Calls a 32 ms window speech when it is loud: a stand-in for Silero. */
const loudness: SpeechScorer = {
  async probability(w) {
    let s = 0;
    for (const x of w) s += x * x;
    return Math.sqrt(s / w.length) > 0.05 ? 0.95 : 0.02;
  },
  reset() {},
};

function recognizers() {
  const made: { samples: number; killed: boolean; finished: boolean }[] = [];
  const source: RecognizerSource = {
    acquire() {
      const d = { samples: 0, killed: false, finished: false };
      made.push(d);
      return {
        write: (s: Int16Array) => void (d.samples += s.length),
        finish: () => ((d.finished = true), Promise.resolve(`heard ${d.samples}`)),
        kill: () => void (d.killed = true),
        exited: () => Promise.resolve(),
        onLine: null,
      };
    },
  };
  return { source, made };
}

/** PCM16 24 kHz: a 200 Hz tone (speech) or zeros, `ms` long. */
const tone = (ms: number) => Int16Array.from({ length: ms * 24 }, (_, i) => Math.round(8_000 * Math.sin((2 * Math.PI * 200 * i) / 24_000)));
const quiet = (ms: number) => new Int16Array(ms * 24);

async function feed(input: InputAudio, pcm: Int16Array): Promise<InputEvent[]> {
  const events: InputEvent[] = [];
  for (let i = 0; i < pcm.length; i += 2_400) events.push(...(await input.append(pcm.subarray(i, i + 2_400))));
  return events;
}

const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};

describe('InputAudio', () => {
  it('VAD mode: opens a turn at speech with the prefix padding and closes it after the silence', async () => {
    const { source, made } = recognizers();
    const input = new InputAudio(loudness, source, withVadDefaults({ type: 'server_vad', silence_duration_ms: 500, prefix_padding_ms: 300 }), 60_000);
    const events = await feed(input, concat(quiet(600), tone(1_000), quiet(900)));
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'speech_stopped']);
    const [started, stopped] = events as [Extract<InputEvent, { type: 'speech_started' }>, Extract<InputEvent, { type: 'speech_stopped' }>];
    expect(started.audioStartMs).toBeGreaterThanOrEqual(600 - 300 - 32);
    expect(started.audioStartMs).toBeLessThanOrEqual(600 - 300 + 32);
    expect(stopped.itemId).toBe(started.itemId);
    expect(stopped.audioEndMs).toBeGreaterThanOrEqual(1_600 + 500);
    expect(stopped.audioEndMs).toBeLessThanOrEqual(1_600 + 500 + 100);
    // One decoder heard the whole turn: prefix + speech + the silence until the end of the turn (+ ≤ one 100 ms chunk).
    expect(made).toHaveLength(1);
    const heard = Number((await stopped.turn.recognizer.finish()).split(' ')[1]);
    expect(made[0]!.finished).toBe(true);
    expect(heard / 16).toBeGreaterThan(300 + 1_000 + 500 - 40);
    expect(heard / 16).toBeLessThan(300 + 1_000 + 500 + 100 + 40);
  });

  it('manual mode: everything appended is the turn; commit needs 100 ms; no speech events', async () => {
    const { source } = recognizers();
    const input = new InputAudio(loudness, source, null, 60_000);
    expect(await feed(input, quiet(50))).toEqual([]);
    expect(input.commit()).toBeNull();
    const events = await feed(input, concat(tone(800), quiet(700)));
    expect(events).toEqual([]);
    const turn = input.commit();
    expect(turn?.durationMs).toBeCloseTo(1_550, -1);
    expect(await turn!.recognizer.finish()).toMatch(/^heard \d+$/);
    expect(input.bufferedMs).toBe(0);
  });

  it('manual mode: the recognizer hears the turn from 1 s before its first speech, not the silence before', async () => {
    const { source, made } = recognizers();
    const input = new InputAudio(loudness, source, null, 60_000);
    await feed(input, quiet(3_000));
    expect(made).toHaveLength(0); // no decoder spent on silence
    await feed(input, concat(tone(800), quiet(200)));
    const turn = input.commit();
    expect(turn?.durationMs).toBeCloseTo(4_000, -1); // the turn (the model's input item) keeps it all
    const heardMs = Number((await turn!.recognizer.finish()).split(' ')[1]) / 16;
    expect(heardMs).toBeGreaterThanOrEqual(1_000 + 800 - 32);
    expect(heardMs).toBeLessThanOrEqual(1_000 + 800 + 200 + 40);
  });

  it('reports a full buffer once and drops the excess', async () => {
    const { source, made } = recognizers();
    const input = new InputAudio(loudness, source, null, 500);
    const events = await feed(input, tone(900));
    expect(events).toEqual([{ type: 'buffer_full' }]);
    expect(input.bufferedMs).toBe(500);
    expect(made[0]!.samples).toBeLessThanOrEqual(500 * 16 + 2_400); // the cap, plus at most the chunk that began the speech
  });

  it('clear() drops the turn and kills its decoder', async () => {
    const { source, made } = recognizers();
    const input = new InputAudio(loudness, source, null, 60_000);
    await feed(input, tone(300));
    input.clear();
    expect(made[0]!.killed).toBe(true);
    expect(input.commit()).toBeNull();
  });
});
