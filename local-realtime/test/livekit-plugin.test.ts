import { initializeLogger, llm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { AudioFrame } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { concatInt16 } from '../src/audio/pcm.ts';
import { type LocalRealtimeServer, start } from '../src/index.ts';
import { loadRecording, silence, sleep, streamRealtime, wordErrorRate, TEST_SCRIPT } from './helpers.ts';

/**
 * Conformance through the production client: `@livekit/agents-plugin-openai`'s
 * `realtime.RealtimeModel` (GA protocol), as the agent worker uses it, minus the room.
 */
initializeLogger({ pretty: false, level: 'warn' });

const GREETING = "Hi, I'm an AI assistant for Acme. You can ask for a person at any time.";
const LONG_REPLY =
  'Our store has many departments. We sell shoes, hats, coats and gloves. We also repair watches and bicycles. ' +
  'Every Saturday there is a market in front of the shop.';

let server: LocalRealtimeServer;

beforeAll(async () => {
  server = await start({ logLevel: 'warn', script: TEST_SCRIPT, minTranscriptWaitMs: 10_000 /* replies here quote recognized words: wait for them even on a loaded machine */ });
});

afterAll(async () => {
  await server.stop();
});

type ModelOptions = NonNullable<ConstructorParameters<typeof openai.realtime.RealtimeModel>[0]>;

/** The model exactly as the agent worker builds it for the local server. */
function model(turnDetection: ModelOptions['turnDetection']) {
  return new openai.realtime.RealtimeModel({
    baseURL: server.baseURL,
    apiKey: server.apiKey,
    model: 'gpt-realtime',
    voice: 'marin',
    turnDetection,
    inputAudioTranscription: { model: 'pocketsphinx' },
  });
}

const serverVad = { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true } as const;

interface Collected {
  messages: { id: string; text: string; samples: number; firstAudioAt: number | null }[];
  calls: llm.FunctionCall[];
}

/** Reads a generation to the end the way the agent does: text, audio frames and function calls. */
async function collect(gen: llm.GenerationCreatedEvent, onAudio?: (messageId: string, samples: number) => void): Promise<Collected> {
  const out: Collected = { messages: [], calls: [] };
  const messages = (async () => {
    const pending: Promise<void>[] = [];
    for await (const m of gen.messageStream) {
      const entry = { id: m.messageId, text: '', samples: 0, firstAudioAt: null as number | null };
      out.messages.push(entry);
      pending.push(
        (async () => {
          for await (const t of m.textStream) entry.text += typeof t === 'string' ? t : t.text;
        })(),
        (async () => {
          for await (const f of m.audioStream) {
            entry.firstAudioAt ??= performance.now();
            entry.samples += f.samplesPerChannel;
            onAudio?.(m.messageId, entry.samples);
          }
        })(),
      );
    }
    await Promise.all(pending);
  })();
  const calls = (async () => {
    for await (const c of gen.functionStream) out.calls.push(c);
  })();
  await Promise.all([messages, calls]);
  return out;
}

/** Pushes PCM16 24 kHz to the session as 100 ms AudioFrames at real-time pace (each frame owns its buffer: the plugin sends `frame.data.buffer`). */
function pushRealtime(session: llm.RealtimeSession, pcm: Int16Array) {
  return streamRealtime(pcm, (c) => session.pushAudio(new AudioFrame(Int16Array.from(c), 24_000, 1, c.length)));
}

function serverEvents(session: llm.RealtimeSession): { type: string; [k: string]: any }[] {
  const events: { type: string; [k: string]: any }[] = [];
  session.on('openai_server_event_received', (e: { type: string }) => events.push(e));
  return events;
}

function errors(session: llm.RealtimeSession): llm.RealtimeModelError[] {
  const list: llm.RealtimeModelError[] = [];
  session.on('error', (e: llm.RealtimeModelError) => list.push(e));
  return list;
}

describe('LiveKit RealtimeModel (plugin-openai 1.9) against the local model', () => {
  it('generateReply with "Say exactly" speaks the greeting verbatim', async () => {
    const session = model(serverVad).session();
    const errs = errors(session);
    const metrics: { ttftMs: number; cancelled: boolean }[] = [];
    session.on('metrics_collected', (m: { ttftMs: number; cancelled: boolean }) => metrics.push(m));
    try {
      const gen = await session.generateReply(`Say exactly: "${GREETING}"`);
      expect(gen.userInitiated).toBe(true);
      const { messages } = await collect(gen);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.text).toBe(GREETING);
      expect(messages[0]!.samples / 24_000).toBeGreaterThan(3);
      await sleep(50);
      expect(metrics[0]).toMatchObject({ cancelled: false });
      expect(metrics[0]!.ttftMs).toBeGreaterThanOrEqual(0);
      expect(errs).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('server VAD turn from a real recording: speech events, final transcript, spoken reply using it', async () => {
    const session = model(serverVad).session();
    const errs = errors(session);
    const seen: { type: string; at: number; [k: string]: unknown }[] = [];
    session.on('input_speech_started', () => seen.push({ type: 'started', at: performance.now() }));
    session.on('input_speech_stopped', () => seen.push({ type: 'stopped', at: performance.now() }));
    const transcripts: { transcript: string; isFinal: boolean }[] = [];
    session.on('input_audio_transcription_completed', (e: { transcript: string; isFinal: boolean }) => transcripts.push(e));
    const generated = new Promise<llm.GenerationCreatedEvent>((resolve) => session.once('generation_created', resolve));
    try {
      const rec = loadRecording('goforward.raw');
      const stream = pushRealtime(session, concatInt16([silence(400), rec.pcm, silence(1_200)]));
      const gen = await generated;
      expect(gen.userInitiated).toBe(false);
      const { messages } = await collect(gen);
      await stream.done;
      expect(seen.map((s) => s.type)).toEqual(['started', 'stopped']);
      const final = transcripts.find((t) => t.isFinal);
      expect(final).toBeDefined();
      expect(wordErrorRate(rec.reference, final!.transcript)).toBeLessThanOrEqual(0.25);
      expect(messages[0]!.text).toContain(final!.transcript);
      expect(messages[0]!.samples / 24_000).toBeGreaterThan(2);
      const stoppedAt = seen.find((s) => s.type === 'stopped')!.at;
      console.log(`[latency] plugin, server VAD: input_speech_stopped → first audio frame at the plugin = ${(messages[0]!.firstAudioAt! - stoppedAt).toFixed(1)} ms`);
      // The plugin's view of the conversation holds the user transcript and the reply.
      const items = session.chatCtx.items.filter((i): i is llm.ChatMessage => i.type === 'message');
      expect(items.map((i) => i.role)).toEqual(['user', 'assistant']);
      expect(items[0]!.textContent).toBe(final!.transcript);
      expect(errs).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('tool round trip: function call from the user text, output via updateChatCtx, reply uses it', async () => {
    const session = model(serverVad).session();
    const errs = errors(session);
    try {
      const lookup = llm.tool({
        name: 'lookup_order',
        description: 'Look up the status of an order by its number',
        parameters: z.object({ order_id: z.string() }),
        execute: async () => 'not called here',
      });
      await session.updateTools(new llm.ToolContext([lookup]));
      const ctx = session.chatCtx.copy();
      ctx.addMessage({ role: 'user', content: 'Where is my order one two three four?' });
      await session.updateChatCtx(ctx);

      const first = await collect(await session.generateReply());
      expect(first.calls).toHaveLength(1);
      expect(first.calls[0]).toMatchObject({ name: 'lookup_order', args: '{"order_id":"1234"}' });
      expect(first.messages[0]!.text).toBe('Let me check that order for you.');

      const withOutput = session.chatCtx.copy();
      withOutput.insert(llm.FunctionCallOutput.create({ callId: first.calls[0]!.callId, name: 'lookup_order', output: JSON.stringify({ status: 'delivered', signed_by: 'Sam' }), isError: false }));
      await session.updateChatCtx(withOutput);
      const second = await collect(await session.generateReply());
      expect(second.calls).toHaveLength(0);
      expect(second.messages[0]!.text).toBe('Here is what I found about order 1234: status delivered, signed by Sam.');
      expect(errs).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('barge-in: caller speech cancels the reply, interrupt + truncate as the agent sends them are accepted', async () => {
    const session = model(serverVad).session();
    const errs = errors(session);
    const events = serverEvents(session);
    const metrics: { cancelled: boolean }[] = [];
    session.on('metrics_collected', (m: { cancelled: boolean }) => metrics.push(m));
    try {
      const gen = await session.generateReply(`Say exactly: "${LONG_REPLY}"`);
      let firstAudio: () => void = () => {};
      const audioStarted = new Promise<void>((r) => (firstAudio = r));
      let messageId = '';
      let heardSamples = 0;
      const reading = collect(gen, (id, samples) => {
        messageId = id;
        heardSamples = samples;
        firstAudio();
      });
      await audioStarted;
      await sleep(500); // the caller hears half a second, then talks over it

      const interrupted = new Promise<void>((resolve) =>
        session.once('input_speech_started', () => {
          // What AgentActivity does on barge-in: interrupt, then truncate at the playout position.
          void session.interrupt();
          void session.truncate({ messageId, audioEndMs: 600, modalities: ['audio', 'text'] });
          resolve();
        }),
      );
      const nextTurn = new Promise<llm.GenerationCreatedEvent>((resolve) => session.once('generation_created', resolve));
      const stream = pushRealtime(session, concatInt16([loadRecording('goforward.raw').pcm, silence(1_200)]));
      await interrupted;
      const cut = await reading;
      expect(cut.messages[0]!.text.length).toBeLessThan(LONG_REPLY.length);
      const receivedMs = heardSamples / 24;

      const done = events.find((e) => e.type === 'response.done');
      expect(done?.response.status).toBe('cancelled');
      expect(done?.response.status_details.reason).toBe('turn_detected');
      await sleep(100);
      expect(events.find((e) => e.type === 'conversation.item.truncated')).toMatchObject({ item_id: messageId, audio_end_ms: 600 });
      expect(metrics[0]?.cancelled).toBe(true);
      expect(receivedMs).toBeLessThan(8_000);

      const reply = await collect(await nextTurn);
      await stream.done;
      expect(reply.messages[0]!.text).toContain('go forward ten meters');
      // The plugin treats "Cancellation failed" errors as benign and does not surface them.
      expect(errs).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('manual turns (turnDetection null): commitAudio + generateReply', async () => {
    const session = model(null).session();
    const errs = errors(session);
    let started = 0;
    session.on('input_speech_started', () => started++);
    try {
      const rec = loadRecording('goforward.raw');
      await pushRealtime(session, concatInt16([rec.pcm, silence(600)])).done;
      const commitAt = performance.now();
      await session.commitAudio();
      const { messages } = await collect(await session.generateReply());
      expect(messages[0]!.text).toContain('go forward ten meters');
      expect(started).toBe(0);
      console.log(`[latency] plugin, manual turn: commitAudio() → first audio frame at the plugin = ${(messages[0]!.firstAudioAt! - commitAt).toFixed(1)} ms`);
      expect(errs).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
