import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CALLBACK_CONSENT_TEXT, CallbackResponse } from '@voice-widget/protocol';
import { ensureAgent } from '../bootstrap.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { leads, outboundCalls } from '../db/schema.ts';
import { createDemoLink } from '../repo/demo-links.ts';
import { addToDoNotCall } from '../repo/do-not-call.ts';
import { testApp } from './test-app.ts';

/** An Etc/GMT zone whose local time now is `hour`:MM. */
function zoneWhereNowIs(hour: number): string {
  const offset = ((hour - new Date().getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

let database: Database;
let kicks = 0;
let slug: string;
let noCallback: string;
/** The outbound trunks LiveKit would list: only `outbound` exists unless a test removes it. */
let trunkNames = new Set(['outbound']);
const trunks = { find: async (name: string) => (trunkNames.has(name) ? ({ sipTrunkId: `ST_${name}`, name } as never) : undefined) };
const app = () => testApp(database.db, { outbound: { trunks: trunks as never, kick: () => void kicks++ } });
const ask = (body: object, link = slug) => request(app()).post(`/api/demo-links/${link}/callback`).set('origin', 'http://127.0.0.1:5173').send({ consent: true, ...body });

beforeAll(async () => {
  database = await openDatabase({});
  await ensureAgent(database.db, 'acme');
  slug = (await createDemoLink(database.db, { agent: 'acme', label: '', expiresInHours: 1, budgetMinutes: 10, maxCallSeconds: 120, maxConcurrentCalls: 1, perIpPerHour: 3, leadCapture: true, callback: true })).slug;
  noCallback = (await createDemoLink(database.db, { agent: 'acme', label: '', expiresInHours: 1, budgetMinutes: 10, maxCallSeconds: 120, maxConcurrentCalls: 1, perIpPerHour: 3, leadCapture: false, callback: false })).slug;
});
afterAll(() => database?.close());
beforeEach(async () => {
  kicks = 0;
  trunkNames = new Set(['outbound']);
  await database.db.delete(outboundCalls);
});

describe('a demo page’s “call me back”', () => {
  it('queues a call now, with the lead and the topic as the reason; a second request for the number is refused', async () => {
    const res = await ask({ number: '+1 555 0150', name: 'Ada Lovelace', email: 'ada@example.com', topic: 'hiking boots', timeZone: zoneWhereNowIs(12) });
    expect(res.status).toBe(202);
    const body = CallbackResponse.parse(res.body);
    expect(Math.abs(Date.parse(body.callAt) - Date.now())).toBeLessThan(5000);
    expect(kicks).toBe(1);
    expect(body).toMatchObject({ now: true, to: '…0150', repeated: false });
    expect(JSON.stringify(res.body)).not.toContain('5550150'); // the page never gets the whole number back
    const [row] = await database.db.select().from(outboundCalls);
    expect(row).toMatchObject({ number: '+15550150', source: 'demo_callback', status: 'queued', context: { name: 'Ada Lovelace', reason: 'your question about hiking boots' } });
    expect(row!.consent).toMatchObject({ text: CALLBACK_CONSENT_TEXT });
    expect(Math.abs(Date.parse(row!.consent!.at) - Date.now())).toBeLessThan(5000);
    expect((await database.db.select().from(leads)).some((l) => l.email === 'ada@example.com')).toBe(true);
    const again = await ask({ number: '+15550150', name: 'Ada', email: 'ada@example.com', timeZone: zoneWhereNowIs(12) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('callback_pending');
  });

  it('outside calling hours: queued for when they open, the dialer not woken', async () => {
    const res = await ask({ number: '+15550151', name: 'Grace', email: 'grace@example.com', timeZone: zoneWhereNowIs(3) });
    expect(res.status).toBe(202);
    const callAt = Date.parse(res.body.callAt);
    expect(callAt - Date.now()).toBeGreaterThan(3_600_000); // 08:00 local is at least 4 h after 03:xx
    expect(res.body.message).toMatch(/calling hours/);
    expect(res.body.message).toMatch(/8:00 AM your time/);
    expect(res.body.now).toBe(false);
    expect(kicks).toBe(0);
  });

  it('refusals: no call-back offered, the do-not-call list, a bad number, no e-mail on a lead-capture link, the per-IP rate', async () => {
    const tz = zoneWhereNowIs(12);
    expect((await ask({ number: '+15550152', name: 'X', timeZone: tz }, noCallback)).body.error.code).toBe('callback_not_offered');
    await addToDoNotCall(database.db, '+15550153', { source: 'admin' });
    const dnc = await ask({ number: '+15550153', name: 'X', email: 'x@example.com', timeZone: tz });
    expect(dnc.status).toBe(403);
    expect(dnc.body.error.message).toBe('We can’t call this number. Please check it, or talk to the assistant here instead.');
    const invalid = await ask({ number: '+1 call me 5550999', name: 'X', email: 'x@example.com', timeZone: tz });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_number');
    expect(invalid.body.error.message).toMatch(/country code/);
    expect(invalid.body.error.message).not.toContain('5550999');
    expect((await ask({ number: '+15550154', name: 'X', timeZone: tz })).body.error.code).toBe('lead_required');
    for (const n of ['+15550155', '+15550156', '+15550157']) expect((await ask({ number: n, name: 'X', email: 'x@example.com', timeZone: tz })).status).toBe(202);
    const fourth = await ask({ number: '+15550158', name: 'X', email: 'x@example.com', timeZone: tz });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('demo_rate_limited');
    expect(await database.db.select().from(outboundCalls)).toHaveLength(3);
  });
});

describe('call-back request checks', () => {
  const tz = () => zoneWhereNowIs(12);

  it('no consent ticked: 400, nothing queued', async () => {
    for (const consent of [undefined, false, 'yes']) {
      const res = await request(app()).post(`/api/demo-links/${slug}/callback`).send({ number: '+15550160', name: 'X', email: 'x@example.com', timeZone: tz(), consent });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/consent/);
    }
    expect(await database.db.select().from(outboundCalls)).toHaveLength(0);
    expect(kicks).toBe(0);
  });

  it('a retried submit with the same idempotency key (body or header) returns the first answer and queues nothing new', async () => {
    const first = await ask({ number: '+15550161', name: 'Ada', email: 'ada@example.com', timeZone: tz(), idempotencyKey: 'form-0b6f1c2e' });
    expect(first.status).toBe(202);
    const retry = await ask({ number: '+15550161', name: 'Ada', email: 'ada@example.com', timeZone: tz(), idempotencyKey: 'form-0b6f1c2e' });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'queued', repeated: true, callAt: first.body.callAt, to: '…0161' });
    const viaHeader = await request(app())
      .post(`/api/demo-links/${slug}/callback`)
      .set('Idempotency-Key', 'form-0b6f1c2e')
      .send({ consent: true, number: '+15550161', name: 'Ada', email: 'ada@example.com', timeZone: tz() });
    expect(viaHeader.status).toBe(200);
    expect(await database.db.select().from(outboundCalls)).toHaveLength(1);
    expect(kicks).toBe(1);
    // A different form (key) for the same number is a second request: refused while the first is pending.
    expect((await ask({ number: '+15550161', name: 'Ada', email: 'ada@example.com', timeZone: tz(), idempotencyKey: 'form-99999999' })).body.error.code).toBe('callback_pending');
    expect((await ask({ number: '+15550162', name: 'X', email: 'x@example.com', timeZone: tz(), idempotencyKey: 'bad key!' })).status).toBe(400);
  });

  it('the page offers a call-back only when it can be placed: the link, the dialer, the agent’s trunk', async () => {
    const info = async (opts: { outbound?: boolean } = {}, link = slug) =>
      (await request(opts.outbound === false ? testApp(database.db) : app()).get(`/api/demo-links/${link}`)).body.callback;
    expect(await info()).toBe(true);
    expect(await info({}, noCallback)).toBe(false);
    expect(await info({ outbound: false })).toBe(false);
    trunkNames = new Set();
    expect(await info()).toBe(false);
    const res = await ask({ number: '+15550163', name: 'X', email: 'x@example.com', timeZone: tz() });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('outbound_trunk_missing');
    const noDialer = await request(testApp(database.db)).post(`/api/demo-links/${slug}/callback`).send({ consent: true, number: '+15550163', name: 'X', email: 'x@example.com', timeZone: tz() });
    expect(noDialer.status).toBe(503);
    expect(await database.db.select().from(outboundCalls)).toHaveLength(0);
  });

  it('the link’s talk time bounds the queue: no more call-backs waiting than it can pay for', async () => {
    // 5 minutes, 2-minute calls: after three queued call-backs (6 minutes) nothing is left for a fourth.
    const small = (await createDemoLink(database.db, { agent: 'acme', label: '', expiresInHours: 1, budgetMinutes: 5, maxCallSeconds: 120, maxConcurrentCalls: 1, perIpPerHour: 10, leadCapture: false, callback: true })).slug;
    const codes = [];
    for (const n of ['+15550170', '+15550171', '+15550172', '+15550173']) codes.push((await ask({ number: n, name: 'X', timeZone: tz() }, small)).body.error?.code ?? 'queued');
    expect(codes).toEqual(['queued', 'queued', 'queued', 'callback_queue_full']);
    expect(await database.db.select().from(outboundCalls)).toHaveLength(3);
  });

  it('requests per link per minute are capped across networks', async () => {
    const limited = testApp(database.db, { outbound: { trunks: trunks as never, kick: () => {} }, trustProxy: ['loopback'], limits: { sessionsPerMinute: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const r = await request(limited).post(`/api/demo-links/${slug}/callback`).set('X-Forwarded-For', `203.0.113.${i + 1}`).send({ consent: true, number: 'not a number', name: 'X', email: 'x@example.com', timeZone: tz() });
      statuses.push(r.body.error.code);
    }
    expect(statuses).toEqual(['invalid_number', 'invalid_number', 'rate_limited']);
    // The same network on another link is not limited: it was the link's count, not the network's.
    const other = await request(limited).post(`/api/demo-links/${noCallback}/callback`).set('X-Forwarded-For', '203.0.113.3').send({ consent: true, number: '+15550180', name: 'X', timeZone: tz() });
    expect(other.body.error.code).toBe('callback_not_offered');
  });
});
