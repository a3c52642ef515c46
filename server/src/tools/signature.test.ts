import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointError, callEndpoint } from './endpoint.ts';
import { signPayload, verifyPayload } from './signature.ts';

const secret = 'agent-secret-0123456789abcdefghijklmnopqrstuv';

/** README "Customer endpoints", verbatim: what a customer runs. */
function verified(secret: string, header: string | undefined, rawBody: string, toleranceS = 300): boolean {
  const m = /^t=(\d+),v1=([a-f0-9]{64})$/.exec(header ?? '');
  if (!m || Math.abs(Date.now() / 1000 - Number(m[1])) > toleranceS) return false; // missing, or a replay
  const expected = createHmac('sha256', secret).update(`${m[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

describe('request signatures', () => {
  const body = '{"tool":"update_shipping_address","arguments":{"order_id":"1042"}}';

  it('verify with the documented recipe, and not with another secret or another body', () => {
    const header = signPayload(secret, body);
    expect(verified(secret, header, body)).toBe(true);
    expect(verifyPayload(secret, header, body)).toBeNull();
    expect(verified('another-secret-0123456789abcdefghijklmnopq', header, body)).toBe(false);
    expect(verified(secret, header, body.replace('1042', '1043'))).toBe(false);
    expect(verifyPayload(secret, header, body.replace('1042', '1043'))).toBe('mismatch');
  });

  it('a replayed request (an old timestamp) is rejected by the documented check', () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const old = signPayload(secret, body, tenMinutesAgo);
    expect(verified(secret, old, body)).toBe(false);
    expect(verifyPayload(secret, old, body)).toBe('expired');
    expect(verifyPayload(secret, undefined, body)).toBe('missing');
    expect(verifyPayload(secret, 't=1,v1=zz', body)).toBe('malformed');
  });
});

describe('callEndpoint', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  const serve = async (answer: (n: number) => { status: number; body: string }) => {
    let n = 0;
    const seen: { key: string | undefined; signed: boolean }[] = [];
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c));
      req.on('end', () => {
        seen.push({ key: req.headers['idempotency-key'] as string | undefined, signed: verified(secret, req.headers['x-voice-signature'] as string, raw) });
        const a = answer(++n);
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/t`, seen };
  };
  const request = { tool: 't', arguments: {}, idempotencyKey: 'k'.repeat(64), call: { room: 'r', channel: 'web' as const, agent: 'acme' }, caller: { verified: true, customerId: 'C-1' } };

  it('retries a 5xx once with the same key and signs every attempt', async () => {
    const { url, seen } = await serve((n) => (n === 1 ? { status: 503, body: '{}' } : { status: 200, body: '{"say":"ok","n":2}' }));
    expect(await callEndpoint({ url, timeoutMs: 2000 }, secret, request)).toEqual({ result: { say: 'ok', n: 2 }, attempts: 2 });
    expect(seen).toEqual([
      { key: 'k'.repeat(64), signed: true },
      { key: 'k'.repeat(64), signed: true },
    ]);
  });

  it('does not retry a 4xx or a reply that is not a JSON object', async () => {
    const a = await serve(() => ({ status: 422, body: '{}' }));
    await expect(callEndpoint({ url: a.url, timeoutMs: 2000 }, secret, request)).rejects.toBeInstanceOf(EndpointError);
    expect(a.seen).toHaveLength(1);
    await new Promise<void>((r) => server!.close(() => r()));
    const b = await serve(() => ({ status: 200, body: '[1,2]' }));
    await expect(callEndpoint({ url: b.url, timeoutMs: 2000 }, secret, request)).rejects.toThrow(/not a JSON object/);
    expect(b.seen).toHaveLength(1);
  });
});
