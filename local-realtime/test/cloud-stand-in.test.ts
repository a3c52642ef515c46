import { describe, expect, it } from 'vitest';
import { concatInt16 } from '../src/audio/pcm.ts';
import { start } from '../src/index.ts';
import { appendEvent, connectOpenAI, loadRecording, silence } from './helpers.ts';

/** `--no-asr` (issue 15): no recognizer at all, every turn heard as one fixed utterance, replies from the cache at the TTFA. */
describe('cloud stand-in (fixedTranscript)', () => {
  it('needs no recognizer, hears every turn as the fixed text, and answers it at the TTFA', async () => {
    // A recognizer command that does not exist: start() would refuse it if it needed one.
    const server = await start({ logLevel: 'silent', fixedTranscript: 'hello there', ttfaMs: 300, pocketsphinx: { command: '/nonexistent/pocketsphinx' } });
    const health = await (await fetch(server.baseURL.replace(/\/v1$/, '/health'))).json();
    expect(health).toMatchObject({ status: 'ok', asr: 'off' });
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({
        type: 'session.update',
        session: {
          type: 'realtime',
          instructions: '```local-realtime-script\n{"greeting":"Hi.","fallback":"You said {heard}.","intents":[]}\n```',
          audio: { input: { turn_detection: null, transcription: { model: 'x' } } },
        },
      });
      await log.waitFor('session.updated');
      const replies: string[] = [];
      const delays: number[] = [];
      for (const clip of ['goforward.raw', 'cards/003.wav']) {
        const from = log.mark;
        send(appendEvent(concatInt16([loadRecording(clip).pcm, silence(200)])));
        send({ type: 'input_audio_buffer.commit' });
        send({ type: 'response.create' });
        const heard = await log.waitFor('conversation.item.input_audio_transcription.completed', { from });
        expect(heard.transcript).toBe('hello there');
        const created = await log.waitFor('response.created', { from });
        const first = await log.waitFor('response.output_audio.delta', { from });
        const done = await log.waitFor('response.done', { from, timeoutMs: 20_000 });
        replies.push(done.response.output[0].content[0].transcript);
        delays.push(first.at - created.at);
      }
      expect(replies).toEqual(['You said hello there.', 'You said hello there.']);
      console.log(`[latency] cloud stand-in, --ttfa-ms 300: response.created → first audio = ${delays.map((d) => d.toFixed(1)).join(', ')} ms`);
      for (const d of delays) expect(d).toBeGreaterThanOrEqual(295);
    } finally {
      close();
      await server.stop();
    }
  });
});
