/**
 * Regression test for the job-process crash seen on the cluster (issue 15): when the model service
 * refused a (re)connect, `ws` emitted `error` on the plugin's handshake socket, which had no `error`
 * listener, so Node threw it and the job process died ("Unhandled 'error' event … ECONNREFUSED").
 * `@livekit/agents-plugin-openai` 1.9.0 is patched (patches/, agents-js PR #2539): the failed
 * connect is an `APIConnectionError`, retried under `connOptions`, then reported as the session's
 * unrecoverable error. Vitest fails a run on any uncaught error, so the crash cannot pass silently.
 */
import { createServer } from 'node:net';
import { type llm, initializeLogger } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { describe, expect, it } from 'vitest';

/** A TCP port on 127.0.0.1 with nothing listening (taken, then released). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

initializeLogger({ pretty: false, level: 'fatal' });

describe('realtime model: connection refused', () => {
  it('reports a refused connect as retryable errors, then one unrecoverable error, without an uncaught exception', async () => {
    const port = await closedPort();
    const model = new openai.realtime.RealtimeModel({
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: 'test',
      model: 'gpt-realtime',
      connOptions: { maxRetry: 2, retryIntervalMs: 10, timeoutMs: 2_000 },
    });
    const session = model.session();
    const errors: llm.RealtimeModelError[] = [];
    const done = new Promise<void>((resolve) =>
      session.on('error', (e: llm.RealtimeModelError) => {
        errors.push(e);
        if (!e.recoverable) resolve();
      }),
    );
    await done;
    await session.close();
    expect(errors.map((e) => e.recoverable)).toEqual([true, true, false]);
    expect(String(errors[0]!.error.message)).toMatch(/ECONNREFUSED/);
  });
});
