import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodePcm16Base64 } from '../src/audio/pcm.ts';
import { type LocalRealtimeServer, start } from '../src/index.ts';
import { connectOpenAI, loadRecording } from './helpers.ts';

/**
 * The model is not an open door (issue 10): a key on every connection, no browser origin, a message
 * cap enforced before buffering, and capped recognizer processes. Real server, real PocketSphinx.
 */
let server: LocalRealtimeServer;
beforeAll(async () => {
  server = await start({ logLevel: 'silent', apiKey: 'access-test-key-123456', asrPoolSize: 1, limits: { maxRecognizersPerSession: 2 } });
});
afterAll(async () => {
  await server?.stop();
});

/** Opens a WebSocket with `headers`/`protocols`; resolves 'open' or the HTTP status of the refusal. */
function attempt(opts: { headers?: Record<string, string>; protocols?: string[] }): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url, opts.protocols ?? [], { headers: opts.headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? -1));
    ws.once('error', () => {});
  });
}

describe('access to the model', () => {
  it('always requires the key: none or a wrong one is 401, the right one (header or subprotocol) opens', async () => {
    expect(await attempt({})).toBe(401);
    expect(await attempt({ headers: { Authorization: 'Bearer wrong-key-123456' } })).toBe(401);
    expect(await attempt({ headers: { Authorization: 'access-test-key-123456' } })).toBe(401); // no "Bearer"
    expect(await attempt({ headers: { Authorization: 'Bearer access-test-key-123456' } })).toBe('open');
    expect(await attempt({ protocols: ['realtime', 'openai-insecure-api-key.access-test-key-123456'] })).toBe('open');
  });

  it('generates a key when none is given: there is no keyless mode', async () => {
    const other = await start({ logLevel: 'silent', asrPoolSize: 0 });
    try {
      expect(other.apiKey.length).toBeGreaterThanOrEqual(24);
      const res = await new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(other.url, { headers: { Authorization: 'Bearer local' } });
        ws.once('open', () => (ws.close(), resolve('open')));
        ws.once('unexpected-response', (_r, res) => resolve(res.statusCode ?? -1));
        ws.once('error', () => {});
      });
      expect(res).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('refuses any request with an Origin header (a browser page), even with the right key', async () => {
    const origin = { Origin: 'https://evil.example' };
    expect(await attempt({ headers: { ...origin, Authorization: 'Bearer access-test-key-123456' } })).toBe(403);
    expect(await attempt({ headers: origin, protocols: ['realtime', 'openai-insecure-api-key.access-test-key-123456'] })).toBe(403);
    expect(await attempt({ headers: { Origin: 'http://127.0.0.1:5173', Authorization: 'Bearer access-test-key-123456' } })).toBe(403);
  });

  it('refuses a message larger than maxMessageBytes from its frame header, before the payload arrives (1009)', async () => {
    const sock = net.connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    sock.on('data', (d) => received.push(d));
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      'GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer access-test-key-123456\r\n\r\n',
    );
    await expect.poll(() => Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 101[\s\S]*\r\n\r\n/);
    const afterHandshake = Buffer.concat(received).length;
    // A masked text frame announcing 64 MiB, followed by only 4 bytes of its payload.
    const header = Buffer.alloc(2 + 8 + 4);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(64n * 1024n * 1024n, 2);
    sock.write(Buffer.concat([header, Buffer.from('{"ty')]));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    await closed; // the server hangs up without waiting for the 64 MiB
    const frames = Buffer.concat(received).subarray(afterHandshake);
    const closeAt = frames.indexOf(0x88);
    expect(closeAt).toBeGreaterThanOrEqual(0);
    expect(frames.readUInt16BE(closeAt + 2)).toBe(1009);
  });

  it('caps one session\'s recognizers: more audio items at once get recognizer_busy, and the session goes on', async () => {
    const { log, send, close } = await connectOpenAI(server);
    const audio = encodePcm16Base64(loadRecording('goforward.raw').pcm);
    try {
      for (let i = 0; i < 5; i++) send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio }] } });
      const busy = await log.waitFor((e) => e.type === 'error' && e.error.code === 'recognizer_busy', { timeoutMs: 10_000 });
      expect(busy.error.message).toMatch(/this session already has 2 recognizers/);
      // Still serving: the next reply goes through.
      const from = log.mark;
      send({ type: 'response.create', response: { output_modalities: ['text'], instructions: 'Say exactly: "Still here."' } });
      const done = await log.waitFor('response.done', { from, timeoutMs: 20_000 });
      expect(done.response.output[0].content[0].text).toBe('Still here.');
    } finally {
      close();
    }
  });

  it('caps recognizer processes over the whole server, idle ones included', async () => {
    const capped = await start({ logLevel: 'silent', asrPoolSize: 1, limits: { maxRecognizers: 2, maxRecognizersPerSession: 10 } });
    const a = await connectOpenAI(capped);
    const b = await connectOpenAI(capped);
    const audio = encodePcm16Base64(loadRecording('goforward.raw').pcm);
    const health = async () => ((await (await fetch(capped.baseURL.replace(/\/v1$/, '/health'))).json()) as { asr: { live: number } }).asr.live;
    try {
      const peak = { live: 0 };
      const sampler = setInterval(() => void health().then((n) => (peak.live = Math.max(peak.live, n))), 20);
      for (const c of [a, b]) for (let i = 0; i < 3; i++) c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio }] } });
      const busy = await Promise.race([a, b].map((c) => c.log.waitFor((e) => e.type === 'error' && e.error.code === 'recognizer_busy', { timeoutMs: 10_000 })));
      expect(busy.error.message).toMatch(/the server already runs 2 recognizer processes/);
      await new Promise((r) => setTimeout(r, 500));
      clearInterval(sampler);
      expect(peak.live).toBeGreaterThan(0);
      expect(peak.live).toBeLessThanOrEqual(2);
    } finally {
      a.close();
      b.close();
      await capped.stop();
    }
  });
});
