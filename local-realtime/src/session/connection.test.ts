import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { encodePcm16Base64 } from '../audio/pcm.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { DEFAULT_SCRIPT } from '../responder/default-script.ts';
import type { SpeechScorer } from '../vad/voice-activity.ts';
import { RealtimeConnection } from './connection.ts';
import type { Recognizer, RecognizerSource } from '../asr/turn-recognizer.ts';
import { decisionBudgetMs, type ResponseTiming } from './responses.ts';

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

function harness(transcript = 'where is my order one two three four', opts: { recognizers?: RecognizerSource; ttfaMs?: number } = {}) {
  const events: { type: string; [k: string]: any }[] = [];
  const timings: ResponseTiming[] = [];
  const processed: number[] = [];
  const conn = new RealtimeConnection({
    send: (t) => events.push(JSON.parse(t)),
    vad: loudness,
    recognizers: opts.recognizers ?? { acquire: () => ({ write() {}, finish: async () => transcript, kill() {}, exited: async () => {}, onLine: null }) },
    synthesizer: {
      async *stream() {
        yield new Int16Array(4_800).fill(500);
      },
      prefetch() {},
    },
    script: DEFAULT_SCRIPT,
    limits: DEFAULT_LIMITS,
    ttfaMs: opts.ttfaMs ?? 0,
    minTranscriptWaitMs: 0,
    leadMs: Infinity,
    log: pino({ level: 'silent' }),
    model: 'gpt-realtime',
    beta: false,
    onTiming: (t) => timings.push(t),
    onProcessed: (bytes) => processed.push(bytes),
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
  return { conn, events, timings, processed, send, until };
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

  it('answers at its time to first audio with the words known by then when the recognizer lags (regression: issue 14)', async () => {
    // The decoder closes the first utterance at the caller's pause, then lags: the rest comes only when released.
    let release!: () => void;
    const lagging = new Promise<void>((r) => (release = r));
    const recognizers: RecognizerSource = {
      acquire: () => {
        let fed = 0;
        const d: Recognizer = {
          write: (s: Int16Array) => {
            fed += s.length;
            if (fed >= 14_400 && fed - s.length < 14_400) d.onLine?.('where is my'); // 0.9 s at 16 kHz: speech + pause
          },
          finish: async () => (await lagging, 'where is my order one two three four'),
          kill() {},
          exited: async () => {},
          onLine: null,
        };
        return d;
      },
    };
    const { events, send, until, timings } = harness('', { recognizers, ttfaMs: 40 });
    send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null, transcription: { model: 'x' } } } } });
    for (const part of [tone(600), new Int16Array(7_200), tone(600), new Int16Array(2_400)]) {
      for (let i = 0; i < part.length; i += 2_400) send({ type: 'input_audio_buffer.append', audio: encodePcm16Base64(part.subarray(i, i + 2_400)) });
    }
    send({ type: 'input_audio_buffer.commit' });
    send({ type: 'response.create' });
    const done = await until('response.done');
    expect(events.some((e) => e.type === 'conversation.item.input_audio_transcription.completed')).toBe(false); // still decoding
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0].content[0].transcript).toMatch(/where is my/);
    expect(timings[0]).toMatchObject({ transcriptComplete: false });
    release();
    const completed = await until('conversation.item.input_audio_transcription.completed');
    expect(completed.transcript).toBe('where is my order one two three four');
  });

  it('plans within the TTFA less the synthesis time, never below the minimum wait', () => {
    expect(decisionBudgetMs(300, 80, 200)).toBe(220);
    expect(decisionBudgetMs(300, 400, 100)).toBe(150); // synthesis counts for at most half the budget
    expect(decisionBudgetMs(0, 80, 200)).toBe(200);
  });

  it('counts the bytes of messages waiting to be handled, for the server to stop reading a client that outpaces it', async () => {
    const { conn, processed, until } = harness();
    const message = JSON.stringify({ type: 'input_audio_buffer.append', audio: encodePcm16Base64(new Int16Array(2_400)) });
    for (let i = 0; i < 5; i++) conn.receive(message, false);
    expect(conn.pendingBytes).toBe(5 * message.length); // queued, nothing handled yet
    const clear = JSON.stringify({ type: 'input_audio_buffer.clear' });
    conn.receive(clear, false);
    await until('input_audio_buffer.cleared');
    expect(processed.slice(0, 5)).toEqual([4, 3, 2, 1, 0].map((n) => n * message.length + clear.length));
    expect(conn.pendingBytes).toBe(0);
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
