import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ImpairedUdpRelay, type NetworkProfile } from '../src/udp-relay.ts';

/** An echo server and a client that sends `n` numbered datagrams through `relay`, 2 ms apart. */
async function exchange(relay: ImpairedUdpRelay, n: number): Promise<number[]> {
  const client = createSocket('udp4');
  const got: number[] = [];
  client.on('message', (m) => got.push(m.readUInt32BE(0)));
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < n; i++) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i);
    client.send(b, relay.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 600));
  client.close();
  return got;
}

describe('ImpairedUdpRelay', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  async function echoServer(): Promise<number> {
    const s = createSocket('udp4');
    s.on('message', (m, from) => s.send(m, from.port, from.address));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => s.close(() => r())));
    return s.address().port;
  }

  it('adds half the RTT each way, keeps order, and drops about the configured share in each direction', async () => {
    const profile: NetworkProfile = { name: 't', rttMs: 40, jitterMs: 5, loss: 0.1 };
    const relay = await ImpairedUdpRelay.start(profile, { host: '127.0.0.1', port: await echoServer() }, 7);
    closers.push(() => relay.close());
    const got = await exchange(relay, 300);
    const s = relay.stats();
    expect(s.clients).toBe(1);
    expect(s.up.received).toBe(300);
    expect(s.up.dropped + s.up.forwarded).toBe(300);
    expect(s.down.received).toBe(s.up.forwarded);
    expect(got.length).toBe(s.down.forwarded);
    // 10 % of 300 each way: well inside 3–20 % for this seed (binomial sd ≈ 5 packets).
    for (const d of [s.up, s.down]) {
      expect(d.dropped / d.received).toBeGreaterThan(0.03);
      expect(d.dropped / d.received).toBeLessThan(0.2);
    }
    for (const d of [...s.up.delayMs, ...s.down.delayMs]) expect(d).toBeGreaterThanOrEqual(19);
    expect(got).toEqual([...got].sort((a, b) => a - b)); // never reordered
  });

  it('drops in bursts when asked to', async () => {
    const profile: NetworkProfile = { name: 'b', rttMs: 0, jitterMs: 0, loss: 0.2, burstPackets: 5 };
    const relay = await ImpairedUdpRelay.start(profile, { host: '127.0.0.1', port: await echoServer() }, 3);
    closers.push(() => relay.close());
    const got = await exchange(relay, 400);
    // Sent-and-echoed numbers with gaps: mean gap length (runs of missing numbers) well above 1.
    const gaps: number[] = [];
    for (let i = 1; i < got.length; i++) if (got[i]! - got[i - 1]! > 1) gaps.push(got[i]! - got[i - 1]! - 1);
    const mean = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
    expect(gaps.length).toBeGreaterThan(3);
    expect(mean).toBeGreaterThan(2);
  });
});
