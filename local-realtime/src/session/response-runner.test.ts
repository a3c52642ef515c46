import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../protocol/server-events.ts';
import type { CallContext, ReplyPlan } from '../responder/responder.ts';
import { Conversation } from './conversation.ts';
import { type ResponseDeps, ResponseRunner } from './response-runner.ts';

/** Every sentence is 400 ms of audio in two 200 ms chunks (PCM16 24 kHz). */
const fakeSynth = {
  failOn: null as string | null,
  async *stream(sentence: string): AsyncGenerator<Int16Array> {
    if (sentence === fakeSynth.failOn) throw new Error('espeak-ng exited with 1');
    for (let i = 0; i < 2; i++) yield new Int16Array(4_800).fill(1_000);
  },
  prefetch() {},
};

function runner(over: Partial<ResponseDeps> = {}, modalities: ('audio' | 'text')[] = ['audio']) {
  const events: (ServerEvent & { at: number })[] = [];
  const conversation = new Conversation(100);
  const calls: [string, CallContext][] = [];
  const r = new ResponseRunner(
    {
      send: (e) => events.push({ ...e, at: performance.now() }),
      conversation,
      synthesizer: fakeSynth,
      log: pino({ level: 'silent' }),
      ttfaMs: 0,
      leadMs: Infinity,
      maxReplyChars: 2_000,
      onToolCall: (id, ctx) => calls.push([id, ctx]),
      ...over,
    },
    { id: 'resp_1', conversationId: 'conv_1', voice: 'marin', speed: 1, modalities, metadata: { client_event_id: 'x' }, maxOutputTokens: 'inf', inputTokens: { text: 10, audio: 5 } },
  );
  return { r, events, conversation, calls, types: () => events.map((e) => e.type) };
}

const say = (text: string): ReplyPlan => ({ kind: 'say', text, reason: 'verbatim', intent: null });

describe('ResponseRunner', () => {
  it('starts a sentence that is not synthesized yet with its cached opening clause, the rest synthesized meanwhile', async () => {
    const streamed: string[] = [];
    const prefetched: string[] = [];
    const synth = {
      async *stream(sentence: string): AsyncGenerator<Int16Array> {
        streamed.push(sentence);
        yield new Int16Array(2_400);
      },
      prefetch: (text: string) => void prefetched.push(text),
      isCached: (text: string) => text === 'Got it,',
    };
    const { r, events } = runner({ synthesizer: synth });
    r.begin();
    await r.run(say('Got it, you said go forward. Bye.'));
    expect(streamed).toEqual(['Got it,', 'you said go forward.', 'Bye.']);
    expect(prefetched[0]).toBe('you said go forward.');
    const done = events.find((e) => e.type === 'response.done') as unknown as { response: { output: { content: { transcript: string }[] }[] } };
    expect(done.response.output[0]!.content[0]!.transcript).toBe('Got it, you said go forward. Bye.');
  });

  it('streams a spoken reply with the GA event sequence and completes it', async () => {
    const { r, events, types, conversation } = runner();
    r.begin();
    await r.run(say('Hello there. Bye.'));
    expect(types()).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      ...Array(4).fill('response.output_audio.delta'),
      'response.output_audio_transcript.delta',
      ...Array(4).fill('response.output_audio.delta'),
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const done = events.at(-1) as Extract<ServerEvent, { type: 'response.done' }>;
    expect(done.response).toMatchObject({ status: 'completed', metadata: { client_event_id: 'x' }, output: [{ status: 'completed', content: [{ type: 'output_audio', transcript: 'Hello there. Bye.' }] }] });
    expect(done.response.usage).toMatchObject({ input_tokens: 15, output_token_details: { audio_tokens: 16 } }); // 800 ms of audio
    expect(conversation.meta(done.response.output[0]!.id)?.audioMs).toBe(800);
    expect(r.status).toBe('completed');
  });

  it('waits ttfaMs before the first output item (and so the first audio)', async () => {
    const { r, events } = runner({ ttfaMs: 120 });
    const t0 = performance.now(); // before begin(), which starts the ttfa clock
    r.begin();
    await r.run(say('Hi.'));
    const firstItem = events.find((e) => e.type === 'response.output_item.added')!;
    const firstAudio = events.find((e) => e.type === 'response.output_audio.delta')!;
    expect(firstItem.at - t0).toBeGreaterThanOrEqual(118); // Node timers may fire ≤ 1 ms early vs performance.now()
    expect(firstAudio.at - t0).toBeLessThan(170);
  });

  it('counts ttfaMs from response.created: time spent before the plan is ready overlaps it', async () => {
    const { r, events } = runner({ ttfaMs: 120 });
    const t0 = performance.now();
    r.begin();
    await new Promise((res) => setTimeout(res, 80)); // e.g. waiting for the transcript
    await r.run(say('Hi.'));
    const firstAudio = events.find((e) => e.type === 'response.output_audio.delta')!;
    expect(firstAudio.at - t0).toBeGreaterThanOrEqual(118);
    expect(firstAudio.at - t0).toBeLessThan(170); // not 80 + 120
  });

  it('paces audio to real time beyond leadMs', async () => {
    const { r } = runner({ leadMs: 0 });
    const t0 = performance.now();
    await r.run(say('One. Two.')); // 800 ms of audio, no lead allowed
    expect(performance.now() - t0).toBeGreaterThanOrEqual(650);
  });

  it('cancel() ends the response at once: no delta after, item incomplete with what was said', async () => {
    const { r, events } = runner({ leadMs: 0 });
    r.begin();
    const running = r.run(say('First sentence. Second sentence.'));
    while (!events.some((e) => e.type === 'response.output_audio.delta')) await new Promise((res) => setTimeout(res, 5));
    expect(r.cancel('turn_detected')).toBe(true);
    const doneAt = events.length;
    await running;
    expect(events.length).toBe(doneAt);
    const done = events.at(-1) as Extract<ServerEvent, { type: 'response.done' }>;
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' } });
    expect(done.response.output[0]).toMatchObject({ status: 'incomplete', content: [{ type: 'output_audio', transcript: 'First sentence.' }] });
    expect(r.cancel('client_cancelled')).toBe(false);
  });

  it('makes a function call after the spoken preamble and reports it', async () => {
    const { r, events, calls, types } = runner();
    const context: CallContext = { intent: 'order_status', afterTool: null, heard: 'order 12', number: '12', args: { order_id: '12' } };
    await r.run({ kind: 'call', preamble: 'One moment.', tool: 'lookup_order', arguments: '{"order_id":"12"}', context });
    const fnDone = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(fnDone).toMatchObject({ name: 'lookup_order', arguments: '{"order_id":"12"}', output_index: 1 });
    expect(types().indexOf('response.function_call_arguments.done')).toBeGreaterThan(types().indexOf('response.output_audio.done'));
    expect(calls).toEqual([[(fnDone as { call_id: string }).call_id, context]]);
    const done = events.at(-1) as Extract<ServerEvent, { type: 'response.done' }>;
    expect(done.response.output.map((i) => i.type)).toEqual(['message', 'function_call']);
  });

  it('answers in text for a text-only response', async () => {
    const { r, events, types } = runner({}, ['text']);
    await r.run(say('Plain text. Only.'));
    expect(types()).not.toContain('response.output_audio.delta');
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => (e as { delta: string }).delta).join('')).toBe('Plain text. Only.');
    expect((events.at(-1) as Extract<ServerEvent, { type: 'response.done' }>).response.output[0]).toMatchObject({ content: [{ type: 'output_text', text: 'Plain text. Only.' }] });
  });

  it('fails the response when speech synthesis fails', async () => {
    fakeSynth.failOn = 'Broken.';
    try {
      const { r, events } = runner();
      await r.run(say('Broken.'));
      expect((events.at(-1) as Extract<ServerEvent, { type: 'response.done' }>).response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { code: 'response_failed' } } });
    } finally {
      fakeSynth.failOn = null;
    }
  });
});
