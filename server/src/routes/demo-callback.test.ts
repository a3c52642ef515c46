import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallbackResponse } from '@voice-widget/protocol';
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
const app = () => testApp(database.db, { outbound: { trunks: {} as never, kick: () => void kicks++ } });
const ask = (body: object, link = slug) => request(app()).post(`/api/demo-links/${link}/callback`).set('origin', 'http://127.0.0.1:5173').send(body);

beforeAll(async () => {
  database = await openDatabase({});
  await ensureAgent(database.db, 'acme');
  slug = (await createDemoLink(database.db, { agent: 'acme', label: '', expiresInHours: 1, budgetMinutes: 10, maxCallSeconds: 120, maxConcurrentCalls: 1, perIpPerHour: 3, leadCapture: true, callback: true })).slug;
  noCallback = (await createDemoLink(database.db, { agent: 'acme', label: '', expiresInHours: 1, budgetMinutes: 10, maxCallSeconds: 120, maxConcurrentCalls: 1, perIpPerHour: 3, leadCapture: false, callback: false })).slug;
});
afterAll(() => database?.close());
beforeEach(async () => {
  kicks = 0;
  await database.db.delete(outboundCalls);
});

describe('a demo page’s “call me back”', () => {
  it('queues a call now, with the lead and the topic as the reason; a second request for the number is refused', async () => {
    const res = await ask({ number: '+1 555 0150', name: 'Ada Lovelace', email: 'ada@example.com', topic: 'hiking boots', timeZone: zoneWhereNowIs(12) });
    expect(res.status).toBe(202);
    const body = CallbackResponse.parse(res.body);
    expect(Math.abs(Date.parse(body.callAt) - Date.now())).toBeLessThan(5000);
    expect(kicks).toBe(1);
    const [row] = await database.db.select().from(outboundCalls);
    expect(row).toMatchObject({ number: '+15550150', source: 'demo_callback', status: 'queued', context: { name: 'Ada Lovelace', reason: 'your question about hiking boots' } });
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
    expect(kicks).toBe(0);
  });

  it('refusals: no call-back offered, the do-not-call list, a bad number, no e-mail on a lead-capture link, the per-IP rate', async () => {
    const tz = zoneWhereNowIs(12);
    expect((await ask({ number: '+15550152', name: 'X', timeZone: tz }, noCallback)).body.error.code).toBe('callback_not_offered');
    await addToDoNotCall(database.db, '+15550153', { source: 'admin' });
    const dnc = await ask({ number: '+15550153', name: 'X', email: 'x@example.com', timeZone: tz });
    expect(dnc.status).toBe(403);
    expect(dnc.body.error.message).toBe('We can’t call this number. Please check it, or talk to the assistant here instead.');
    expect((await ask({ number: 'call me', name: 'X', email: 'x@example.com', timeZone: tz })).body.error.code).toBe('invalid_number');
    expect((await ask({ number: '+15550154', name: 'X', timeZone: tz })).body.error.code).toBe('lead_required');
    for (const n of ['+15550155', '+15550156', '+15550157']) expect((await ask({ number: n, name: 'X', email: 'x@example.com', timeZone: tz })).status).toBe(202);
    const fourth = await ask({ number: '+15550158', name: 'X', email: 'x@example.com', timeZone: tz });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('demo_rate_limited');
    expect(await database.db.select().from(outboundCalls)).toHaveLength(3);
  });
});
