import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatInt16 } from '../src/audio/pcm.ts';
import { type LocalRealtimeServer, type ResponseTiming, start } from '../src/index.ts';
import { EventLog, appendEvent, audioStats, connectOpenAI, loadRecording, silence, sleep, streamRealtime, wordErrorRate, TEST_SCRIPT } from './helpers.ts';

/**
 * Conformance through the official `openai` package's realtime WebSocket client (`OpenAIRealtimeWS`),
 * with a real human recording streamed at real-time pace in 100 ms chunks.
 */
let server: LocalRealtimeServer;
const timings: ResponseTiming[] = [];

const GREETING = "Hi, I'm an AI assistant for Acme. You can ask for a person at any time.";
const LONG_REPLY =
  'Our store has many departments. We sell shoes, hats, coats and gloves. We also repair watches and bicycles. ' +
  'Every Saturday there is a market in front of the shop. Parking is free for the first two hours.';

const orderTool = {
  type: 'function',
  name: 'lookup_order',
  description: 'Look up the status of an order by its number',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};

beforeAll(async () => {
  server = await start({ logLevel: 'warn', script: TEST_SCRIPT, minTranscriptWaitMs: 10_000 /* replies here quote recognized words: wait for them even on a loaded machine */, onTiming: (t) => timings.push(t) });
});

afterAll(async () => {
  await server.stop();
});

describe('OpenAIRealtimeWS against the local model', () => {
  it('server VAD turn: speech events, transcript of a real recording, a spoken reply that uses it', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({
        type: 'session.update',
        session: { type: 'realtime', audio: { input: { transcription: { model: 'pocketsphinx' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } } },
      });
      await log.waitFor('session.updated');
      const rec = loadRecording('goforward.raw');
      const stream = streamRealtime(concatInt16([silence(400), rec.pcm, silence(1_500)]), (c) => send(appendEvent(c)));

      const started = await log.waitFor('input_audio_buffer.speech_started');
      const stopped = await log.waitFor('input_audio_buffer.speech_stopped');
      expect(stopped.item_id).toBe(started.item_id);
      expect(stopped.audio_end_ms).toBeGreaterThan(started.audio_start_ms + 1_000);
      const committed = await log.waitFor('input_audio_buffer.committed');
      expect(committed.item_id).toBe(started.item_id);
      const userItem = await log.waitFor((e) => e.type === 'conversation.item.added' && e.item.id === started.item_id);
      expect(userItem.item).toMatchObject({ role: 'user', content: [{ type: 'input_audio' }] });
      const transcribed = await log.waitFor((e) => e.type === 'conversation.item.input_audio_transcription.completed' && e.item_id === started.item_id);
      expect(wordErrorRate(rec.reference, transcribed.transcript)).toBeLessThanOrEqual(0.25);

      const created = await log.waitFor('response.created');
      const firstAudio = await log.waitFor((e) => e.type === 'response.output_audio.delta' && e.response_id === created.response.id);
      const done = await log.waitFor((e) => e.type === 'response.done' && e.response.id === created.response.id, { timeoutMs: 20_000 });
      await stream.done;

      expect(done.response.status).toBe('completed');
      const reply = done.response.output[0];
      expect(reply).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
      expect(reply.content[0].transcript).toContain(transcribed.transcript); // the fallback quotes what it heard
      const deltas = log.ofType('response.output_audio_transcript.delta').filter((e) => e.response_id === created.response.id);
      expect(deltas.map((e) => e.delta).join('')).toBe(reply.content[0].transcript);
      const audio = audioStats(log, created.response.id);
      expect(audio.ms).toBeGreaterThan(2_000);
      expect(audio.rms).toBeGreaterThan(0.02);
      expect(done.response.usage.output_token_details.audio_tokens).toBeGreaterThan(0);

      const clientMs = firstAudio.at - stopped.at;
      const timing = timings.find((t) => t.responseId === created.response.id);
      console.log(
        `[latency] server VAD: speech_stopped → first output_audio.delta = ${clientMs.toFixed(1)} ms at the client, ` +
          `${timing?.turnEndToFirstAudioMs} ms in the server (of which waiting for the transcript: ${timing?.transcriptWaitMs} ms)`,
      );
      // Typically < 10 ms (the transcript is ready from the speculative finalization); the bound leaves
      // room for a loaded 2-core CI machine but fails if recognition falls back to a cold decoder.
      expect(clientMs).toBeLessThan(500);
    } finally {
      close();
    }
  });

  it('manual turns (turn_detection null): commit + response.create, metadata echoed', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null, transcription: { model: 'pocketsphinx' } } } } });
      const updated = await log.waitFor('session.updated');
      expect(updated.session.audio.input.turn_detection).toBeNull();
      send({ type: 'input_audio_buffer.commit', event_id: 'evt_empty' });
      const empty = await log.waitFor('error');
      expect(empty.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'evt_empty' });

      const rec = loadRecording('goforward.raw');
      // Like an agent deciding the end of turn itself: real-time audio, a short pause, then commit.
      await streamRealtime(concatInt16([rec.pcm, silence(600)]), (c) => send(appendEvent(c))).done;
      const from = log.mark;
      const commitAt = performance.now();
      send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit' });
      send({ type: 'response.create', event_id: 'evt_reply', response: { metadata: { client_event_id: 'evt_reply', topic: 'test' } } });

      const committed = await log.waitFor('input_audio_buffer.committed', { from });
      const created = await log.waitFor('response.created', { from });
      expect(created.response.metadata).toEqual({ client_event_id: 'evt_reply', topic: 'test' });
      const firstAudio = await log.waitFor('response.output_audio.delta', { from });
      const done = await log.waitFor('response.done', { from, timeoutMs: 20_000 });
      expect(done.response.metadata).toEqual({ client_event_id: 'evt_reply', topic: 'test' });
      const transcript = (await log.waitFor((e) => e.type === 'conversation.item.input_audio_transcription.completed' && e.item_id === committed.item_id)).transcript;
      expect(transcript).toBe('go forward ten meters');
      expect(done.response.output[0].content[0].transcript).toContain(transcript);
      expect(log.ofType('input_audio_buffer.speech_started')).toHaveLength(0);
      console.log(`[latency] manual turn: commit → first output_audio.delta = ${(firstAudio.at - commitAt).toFixed(1)} ms at the client`);
      expect(firstAudio.at - commitAt).toBeLessThan(500);
    } finally {
      close();
    }
  });

  it('speaks "Say exactly" instructions verbatim, with the event order the LiveKit plugin needs', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({
        type: 'response.create',
        response: { instructions: `You are Acme's voice assistant.\nSay exactly: "${GREETING}"`, metadata: { client_event_id: 'greet' } },
      });
      const done = await log.waitFor('response.done', { timeoutMs: 20_000 });
      expect(done.response.status).toBe('completed');
      expect(done.response.output[0].content[0]).toEqual({ type: 'output_audio', transcript: GREETING });
      const types = log.events.map((e) => e.type);
      const first = (t: string) => types.indexOf(t);
      expect(first('response.created')).toBeLessThan(first('response.output_item.added'));
      expect(first('response.output_item.added')).toBeLessThan(first('conversation.item.added'));
      expect(first('conversation.item.added')).toBeLessThan(first('response.content_part.added'));
      expect(first('response.content_part.added')).toBeLessThan(first('response.output_audio.delta'));
      expect(first('response.output_audio.done')).toBeLessThan(first('response.output_item.done'));
      expect(first('response.output_item.done')).toBeLessThan(first('response.done'));
      expect(log.events.find((e) => e.type === 'response.content_part.added')?.part).toEqual({ type: 'audio', transcript: '' });
      expect(audioStats(log, done.response.id).ms).toBeGreaterThan(3_000);
    } finally {
      close();
    }
  });

  it('tool round trip: function call from the transcript, then a reply built on the tool output', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({ type: 'session.update', session: { type: 'realtime', tools: [orderTool], tool_choice: 'auto' } });
      await log.waitFor('session.updated');
      send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Where is my order one two three four?' }] } });
      await log.waitFor('conversation.item.added');
      send({ type: 'response.create' });
      const done = await log.waitFor('response.done', { timeoutMs: 20_000 });
      expect(done.response.status).toBe('completed');
      const call = done.response.output.find((i: { type: string }) => i.type === 'function_call');
      expect(call).toMatchObject({ name: 'lookup_order', arguments: '{"order_id":"1234"}', status: 'completed' });
      expect(call.call_id).toMatch(/^call_/);
      const argsDone = log.ofType('response.function_call_arguments.done')[0];
      expect(argsDone).toMatchObject({ call_id: call.call_id, name: 'lookup_order', arguments: '{"order_id":"1234"}' });
      expect(done.response.output[0].content[0].transcript).toBe('Let me check that order for you.');

      const from = log.mark;
      send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ status: 'shipped', eta: 'Friday' }) } });
      send({ type: 'response.create' });
      const second = await log.waitFor('response.done', { from, timeoutMs: 20_000 });
      expect(second.response.output[0].content[0].transcript).toBe('Here is what I found about order 1234: status shipped, eta Friday.');
    } finally {
      close();
    }
  });

  it('barge-in: speech during a reply cancels it (turn_detected), no audio follows, truncate is applied', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: { model: 'pocketsphinx' }, turn_detection: { type: 'server_vad', interrupt_response: true } } } } });
      await log.waitFor('session.updated');
      send({ type: 'response.create', response: { instructions: `Say exactly: "${LONG_REPLY}"` } });
      const created = await log.waitFor('response.created');
      const item = await log.waitFor('response.output_item.added');
      await log.waitFor('response.output_audio.delta');

      const rec = loadRecording('goforward.raw');
      const stream = streamRealtime(concatInt16([silence(300), rec.pcm, silence(1_200)]), (c) => send(appendEvent(c)));
      const started = await log.waitFor('input_audio_buffer.speech_started');
      const cancelled = await log.waitFor((e) => e.type === 'response.done' && e.response.id === created.response.id);
      expect(cancelled.response.status).toBe('cancelled');
      expect(cancelled.response.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
      expect(cancelled.at - started.at).toBeLessThan(50);
      const doneIndex = log.events.indexOf(cancelled);

      send({ type: 'conversation.item.truncate', item_id: item.item.id, content_index: 0, audio_end_ms: 800 });
      const truncated = await log.waitFor('conversation.item.truncated');
      expect(truncated).toMatchObject({ item_id: item.item.id, content_index: 0, audio_end_ms: 800 });
      send({ type: 'conversation.item.retrieve', item_id: item.item.id });
      const retrieved = await log.waitFor('conversation.item.retrieved');
      const heard: string = retrieved.item.content[0].transcript;
      expect(heard.length).toBeGreaterThan(0);
      expect(heard.length).toBeLessThan(LONG_REPLY.length / 3);
      expect(LONG_REPLY.startsWith(heard)).toBe(true);
      expect(retrieved.item.status).toBe('incomplete');

      // The caller's turn then gets its own reply.
      const next = await log.waitFor((e) => e.type === 'response.done' && e.response.id !== created.response.id, { timeoutMs: 20_000 });
      expect(next.response.status).toBe('completed');
      await stream.done;
      const lateAudio = log.events.slice(doneIndex).filter((e) => e.type === 'response.output_audio.delta' && e.response_id === created.response.id);
      expect(lateAudio).toHaveLength(0);
    } finally {
      close();
    }
  });

  it('response.cancel ends the reply at once with status cancelled (client_cancelled)', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({ type: 'response.create', response: { instructions: `Say exactly: "${LONG_REPLY}"` } });
      const created = await log.waitFor('response.created');
      await log.waitFor('response.output_audio.delta');
      send({ type: 'response.cancel' });
      const done = await log.waitFor('response.done');
      expect(done.response).toMatchObject({ id: created.response.id, status: 'cancelled', status_details: { reason: 'client_cancelled' } });
      const index = log.events.indexOf(done);
      await sleep(300);
      expect(log.events.slice(index).filter((e) => e.type === 'response.output_audio.delta')).toHaveLength(0);
      // A new response is accepted right away.
      send({ type: 'response.create', response: { instructions: 'Say exactly: "Okay."' } });
      const again = await log.waitFor((e) => e.type === 'response.done' && e.response.id !== created.response.id);
      expect(again.response.status).toBe('completed');
    } finally {
      close();
    }
  });

  it('transcribes audio sent inside conversation.item.create; answers in text, out of band', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      const rec = loadRecording('goforward.raw');
      send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio: Buffer.from(rec.pcm.buffer).toString('base64') }] } });
      const added = await log.waitFor('conversation.item.added');
      send({ type: 'response.create', response: { output_modalities: ['text'], conversation: 'none', metadata: { purpose: 'classify' } } });
      const done = await log.waitFor('response.done', { timeoutMs: 20_000 });
      expect(done.response).toMatchObject({ status: 'completed', conversation_id: null, output_modalities: ['text'], metadata: { purpose: 'classify' } });
      expect(done.response.output[0].content[0].type).toBe('output_text');
      expect(done.response.output[0].content[0].text).toContain('go forward ten meters');
      expect(log.ofType('response.output_audio.delta')).toHaveLength(0);
      // Out of band: the reply did not join the conversation.
      expect(log.ofType('conversation.item.added').map((e) => e.item.id)).toEqual([added.item.id]);
      send({ type: 'conversation.item.retrieve', item_id: added.item.id });
      const retrieved = await log.waitFor('conversation.item.retrieved');
      expect(retrieved.item.content[0]).toEqual({ type: 'input_audio', transcript: 'go forward ten meters' });
    } finally {
      close();
    }
  });

  it('uses a dialogue script from the session instructions', async () => {
    const { log, send, close } = await connectOpenAI(server);
    try {
      const script = {
        greeting: 'Robot ready.',
        fallback: 'Unknown command: {heard}.',
        intents: [{ name: 'move', keywords: ['forward', 'backward'], reply: 'Moving {number} meters.' }],
      };
      send({ type: 'session.update', session: { type: 'realtime', instructions: `You steer a robot.\n\`\`\`local-realtime-script\n${JSON.stringify(script)}\n\`\`\`` } });
      await log.waitFor('session.updated');
      send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go forward ten meters' }] } });
      send({ type: 'response.create' });
      const done = await log.waitFor('response.done', { timeoutMs: 20_000 });
      expect(done.response.output[0].content[0].transcript).toBe('Moving 10 meters.');
    } finally {
      close();
    }
  });

  it('answers every kind of bad input with an error event and stays usable', async () => {
    const { rt, log, send, close } = await connectOpenAI(server);
    const raw = (data: string | Buffer, binary = false) => rt.socket.send(data, { binary });
    const expectError = async (code: string, eventId: string | null, act: () => void) => {
      const from = log.mark;
      act();
      const e = await log.waitFor('error', { from });
      expect(e.error.code, `${code}: ${e.error.message}`).toBe(code);
      expect(e.error.type).toMatch(/invalid_request_error|server_error/);
      expect(e.error.message.length).toBeGreaterThan(10);
      expect(e.error.event_id).toBe(eventId);
      return e;
    };
    try {
      await expectError('invalid_json', null, () => raw('{"type": "session.update",'));
      await expectError('missing_event_type', null, () => raw('[1, 2, 3]'));
      await expectError('unknown_event_type', 'e1', () => raw(JSON.stringify({ type: 'session.explode', event_id: 'e1' })));
      const invalid = await expectError('invalid_event', 'e2', () => raw(JSON.stringify({ type: 'conversation.item.truncate', event_id: 'e2', item_id: 'x' })));
      expect(invalid.error.param).toBe('content_index');
      await expectError('invalid_audio_base64', 'e3', () => send({ type: 'input_audio_buffer.append', event_id: 'e3', audio: '***not base64***' }));
      await expectError('invalid_audio_length', 'e4', () => send({ type: 'input_audio_buffer.append', event_id: 'e4', audio: 'AAAA' }));
      await expectError('binary_message_unsupported', null, () => raw(Buffer.from([1, 2, 3]), true));
      const cancel = await expectError('response_cancel_not_active', 'e5', () => send({ type: 'response.cancel', event_id: 'e5' }));
      expect(cancel.error.message).toMatch(/^Cancellation failed/); // the LiveKit plugin ignores these
      await expectError('item_not_found', 'e6', () => send({ type: 'conversation.item.delete', event_id: 'e6', item_id: 'item_missing' }));
      await expectError('unsupported_value', 'e7', () => send({ type: 'session.update', event_id: 'e7', session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' } } } } }));
      await expectError('invalid_script', 'e8', () => send({ type: 'session.update', event_id: 'e8', session: { type: 'realtime', instructions: '```local-realtime-script\n{"greeting": 1}\n```' } }));
      send({ type: 'conversation.item.create', item: { id: 'item_user1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] } });
      await expectError('item_already_exists', 'e9', () => send({ type: 'conversation.item.create', event_id: 'e9', item: { id: 'item_user1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] } }));
      await expectError('invalid_truncate', 'e10', () => send({ type: 'conversation.item.truncate', event_id: 'e10', item_id: 'item_user1', content_index: 0, audio_end_ms: 10 }));
      await expectError('item_not_found', 'e11', () => send({ type: 'conversation.item.create', event_id: 'e11', previous_item_id: 'item_nope', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] } }));

      send({ type: 'response.create', response: { instructions: `Say exactly: "${LONG_REPLY}"` } });
      await log.waitFor('response.created');
      await expectError('conversation_already_has_active_response', 'e12', () => send({ type: 'response.create', event_id: 'e12' }));
      send({ type: 'response.cancel' });
      await log.waitFor('response.done');

      // More than 60 s of uncommitted audio (manual turns): the excess is dropped, once reported.
      send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
      await log.waitFor((e) => e.type === 'session.updated' && e.session.audio.input.turn_detection === null);
      const tenSeconds = silence(10_000);
      const from = log.mark;
      for (let i = 0; i < 7; i++) send({ ...appendEvent(tenSeconds), event_id: `fill${i}` });
      const full = await log.waitFor('error', { from, timeoutMs: 20_000 });
      expect(full.error).toMatchObject({ code: 'input_audio_buffer_full', event_id: 'fill6' });
      send({ type: 'input_audio_buffer.clear' });
      await log.waitFor('input_audio_buffer.cleared', { from });
      expect(log.ofType('error', from)).toHaveLength(1);

      // Still usable: a normal update and reply go through.
      send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
      const updated = await log.waitFor((e) => e.type === 'session.updated' && e.session.instructions === 'Be brief.');
      expect(updated.session.instructions).toBe('Be brief.');
      const before = log.mark;
      send({ type: 'response.create', response: { instructions: 'Say exactly: "Still here."' } });
      const ok = await log.waitFor('response.done', { from: before });
      expect(ok.response.output[0].content[0].transcript).toBe('Still here.');
    } finally {
      close();
    }
  });

  it('closes only the offending connection for a message beyond maxMessageBytes (1009)', async () => {
    const a = await connectOpenAI(server);
    const b = await connectOpenAI(server);
    try {
      const closed = new Promise<number>((resolve) => a.rt.socket.once('close', (code) => resolve(code)));
      a.rt.socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(2 * 1024 * 1024 + 4) }));
      expect(await closed).toBe(1009);
      b.send({ type: 'response.create', response: { instructions: 'Say exactly: "Fine."' } });
      expect((await b.log.waitFor('response.done')).response.status).toBe('completed');
    } finally {
      a.close();
      b.close();
    }
  });

  it('speaks beta event names to clients that ask for the beta protocol, and accepts the flat beta session shape', async () => {
    const ws = new WebSocket(server.url + '?model=gpt-4o-realtime-preview', { headers: { Authorization: `Bearer ${server.apiKey}`, 'OpenAI-Beta': 'realtime=v1' } });
    const log = new EventLog();
    ws.on('message', (d) => log.push(JSON.parse(String(d))));
    try {
      const created = await log.waitFor('session.created');
      expect(created.session).toMatchObject({ model: 'gpt-4o-realtime-preview', input_audio_format: 'pcm16' });
      ws.send(JSON.stringify({ type: 'session.update', session: { modalities: ['text', 'audio'], turn_detection: null, input_audio_transcription: { model: 'whisper-1' }, voice: 'alloy' } }));
      const updated = await log.waitFor('session.updated');
      expect(updated.session).toMatchObject({ turn_detection: null, input_audio_transcription: { model: 'whisper-1' }, voice: 'alloy' });
      ws.send(JSON.stringify({ type: 'response.create', response: { instructions: 'Say exactly: "Beta works."' } }));
      const done = await log.waitFor('response.done');
      expect(done.response.output[0].content[0]).toEqual({ type: 'audio', transcript: 'Beta works.' });
      const types = new Set(log.events.map((e) => e.type));
      for (const t of ['conversation.item.created', 'response.audio.delta', 'response.audio_transcript.delta', 'response.audio.done', 'response.audio_transcript.done']) expect(types).toContain(t);
      for (const t of ['conversation.item.added', 'response.output_audio.delta', 'response.output_audio_transcript.delta']) expect(types).not.toContain(t);
    } finally {
      ws.close();
    }
  });
});
