import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { encodePcm16Base64 } from '../audio/pcm.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { DEFAULT_SCRIPT } from '../responder/default-script.ts';
import type { SpeechScorer } from '../vad/voice-activity.ts';
import { RealtimeConnection } from './connection.ts';
import type { ResponseTiming } from './responses.ts';

/**
 * The connection with every process replaced by a fake (VAD = loudness, recognizer = a fixed
 * transcript, speech = 200 ms per sentence): protocol behaviour in milliseconds.
 */
const loudness: SpeechScorer = {
  async probability(w) {
    let s = 0;
    for (const x of w) s += x * x;
    return Math.sqrt(s / w.length) > 0.05 ? 0.95 : 0.02;
  },
  reset() {},
};

function harness(transcript = 'where is my order one two three four') {
  const events: { type: string; [k: string]: any }[] = [];
  const timings: ResponseTiming[] = [];
  const conn = new RealtimeConnection({
    send: (t) => events.push(JSON.parse(t)),
    vad: loudness,
    recognizers: { acquire: () => ({ write() {}, finish: async () => transcript, kill() {} }) },
    synthesizer: {
      async *stream() {
        yield new Int16Array(4_800).fill(500);
      },
      prefetch() {},
    },
    script: DEFAULT_SCRIPT,
    limits: DEFAULT_LIMITS,
    ttfaMs: 0,
    leadMs: Infinity,
    log: pino({ level: 'silent' }),
    model: 'gpt-realtime',
    beta: false,
    onTiming: (t) => timings.push(t),
  });
  const send = (e: object) => conn.receive(JSON.stringify(e), false);
  const until = async (type: string, from = 0) => {
    for (let i = 0; i < 500; i++) {
      const found = events.slice(from).find((e) => e.type === type);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no ${type}; got ${events.map((e) => e.type).join(', ')}`);
  };
  return { conn, events, timings, send, until };
}

const tone = (ms: number) => Int16Array.from({ length: ms * 24 }, (_, i) => Math.round(8_000 * Math.sin((2 * Math.PI * 200 * i) / 24_000)));

describe('RealtimeConnection', () => {
  it('greets with session.created carrying the GA session', () => {
    const { events } = harness();
    expect(events[0]).toMatchObject({ type: 'session.created', session: { type: 'realtime', model: 'gpt-realtime' } });
    expect(events[0]!.event_id).toMatch(/^event_/);
  });

  it('runs a VAD turn end to end: speech events, user item, transcript, tool call from the transcript', async () => {
    const { events, send, until, timings } = harness();
    send({
      type: 'session.update',
      session: { type: 'realtime', tools: [{ type: 'function', name: 'get_order_status', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } }], audio: { input: { transcription: { model: 'x' } } } },
    });
    const audio = [new Int16Array(12_000), tone(800), new Int16Array(24_000)];
    for (const part of audio) for (let i = 0; i < part.length; i += 2_400) send({ type: 'input_audio_buffer.append', audio: encodePcm16Base64(part.subarray(i, i + 2_400)) });
    const done = await until('response.done');
    const types = events.map((e) => e.type);
    const order = ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'response.created', 'conversation.item.input_audio_transcription.completed', 'response.function_call_arguments.done', 'response.done'];
    for (const t of order) expect(types).toContain(t);
    expect(order.map((t) => types.indexOf(t))).toEqual([...order.map((t) => types.indexOf(t))].sort((a, b) => a - b));
    expect(done.response.output.at(-1)).toMatchObject({ type: 'function_call', name: 'get_order_status', arguments: '{"order_id":"1234"}' });
    expect(timings[0]).toMatchObject({ trigger: 'speech_stopped', reason: 'tool_call', ttfaMs: 0 });
    expect(timings[0]!.turnEndToFirstAudioMs).not.toBeNull();
  });

  it('answers errors in order with the other events and keeps the event_id', async () => {
    const { events, conn, until } = harness();
    conn.receive(JSON.stringify({ type: 'input_audio_buffer.clear', event_id: 'a' }), false);
    conn.receive('nonsense', false);
    conn.receive(JSON.stringify({ type: 'input_audio_buffer.commit', event_id: 'b' }), false);
    await until('error', 3);
    expect(events.slice(1).map((e) => [e.type, e.error?.code ?? null, e.error?.event_id ?? null])).toEqual([
      ['input_audio_buffer.cleared', null, null],
      ['error', 'invalid_json', null],
      ['error', 'input_audio_buffer_commit_empty', 'b'],
    ]);
  });

  it('sends nothing after close, and cancels the reply in progress', async () => {
    const { events, send, conn, until } = harness();
    send({ type: 'response.create' });
    await until('response.created');
    conn.close();
    const count = events.length;
    send({ type: 'response.create' });
    await new Promise((r) => setTimeout(r, 20));
    expect(events.length).toBe(count);
  });
});
