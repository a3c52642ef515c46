import { describe, expect, it } from 'vitest';
import { concatInt16 } from '../src/audio/pcm.ts';
import { start } from '../src/index.ts';
import { appendEvent, connectOpenAI, loadRecording, silence } from './helpers.ts';

/** Broken speech tools must fail a response or a transcription, never the process or the session. */
describe('when the speech tools fail', () => {
  it('refuses to start without the programs, naming the Debian package', async () => {
    await expect(start({ logLevel: 'silent', espeak: { command: 'espeak-ng-not-installed' } })).rejects.toThrow(/Debian package "espeak-ng"/);
    await expect(start({ logLevel: 'silent', pocketsphinx: { command: '/nonexistent/pocketsphinx' } })).rejects.toThrow(/"pocketsphinx"/);
  });

  it('reports transcription.failed and a failed response, and the session goes on', async () => {
    // `false` exists and exits 1 at once: a recognizer and a synthesizer that always fail.
    const server = await start({ logLevel: 'silent', asrPoolSize: 1, pocketsphinx: { command: 'false' }, espeak: { command: 'false' } });
    const { log, send, close } = await connectOpenAI(server);
    try {
      send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null, transcription: { model: 'x' } } } } });
      await log.waitFor('session.updated');
      send(appendEvent(concatInt16([loadRecording('goforward.raw').pcm, silence(300)])));
      send({ type: 'input_audio_buffer.commit' });
      const failed = await log.waitFor('conversation.item.input_audio_transcription.failed');
      expect(failed.error).toMatchObject({ code: 'transcription_failed' });
      send({ type: 'response.create' });
      const done = await log.waitFor('response.done');
      expect(done.response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { code: 'response_failed' } } });
      // Still serving: a text response needs neither tool.
      const from = log.mark;
      send({ type: 'response.create', response: { output_modalities: ['text'], instructions: 'Say exactly: "Text still works."' } });
      const text = await log.waitFor('response.done', { from });
      expect(text.response.output[0].content[0]).toEqual({ type: 'output_text', text: 'Text still works.' });
    } finally {
      close();
      await server.stop();
    }
  });
});
