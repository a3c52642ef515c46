/**
 * Per-agent budgets for every call (issue 10), on both databases: concurrency with the caller's
 * message, demo links only, new calls per client network per hour (TRUST_PROXY, IPv6 /64),
 * minutes per day, the call length enforced by the sweeper with a goodbye first (also across a
 * restart), and prefetched sessions that free their slot at the end of their join window.
 */
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_END_WARNING_S, parseRoomMetadata } from '@voice-widget/protocol';
import type { Database } from '../src/db/client.ts';
import { createAdminKey } from '../src/repo/admin-keys.ts';
import { findCall } from '../src/repo/calls.ts';
import { MIN_GOODBYE_S, sweepOnce } from '../src/sweeper.ts';
import { DB_KINDS, agentConfig, fakeRooms, makeApp, persistentDb, signedWebhook, silent } from './helpers.ts';

describe.each(DB_KINDS)('agent budgets on %s', (kind) => {
  let store: Awaited<ReturnType<typeof persistentDb>>;
  let database: Database;
  let key: string;
  let fake = fakeRooms();
  let app: ReturnType<typeof makeApp>;
  const admin = (req: request.Test) => req.set('Authorization', `Bearer ${key}`);
  const createAgent = async (slug: string, limits: Record<string, unknown>, over: Record<string, unknown> = {}) => {
    const res = await admin(request(app).post('/api/admin/agents')).send({ slug, config: agentConfig({ limits, ...over }) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const start = (agent: string, extra: Record<string, unknown> = {}, xff?: string) => {
    const req = request(app).post('/api/sessions');
    return (xff ? req.set('X-Forwarded-For', xff) : req).send({ agent, ...extra });
  };
  const sweep = (now?: Date) => sweepOnce({ db: database.db, rooms: fake.rooms, log: silent, staleCallS: 3600, retentionDays: 0 }, now);
  const joined = async (room: string, identity: string) => {
    const h = await signedWebhook({ event: 'participant_joined', room: { name: room } as never, participant: { identity } as never });
    await request(app).post('/webhooks/livekit').set('Authorization', h.auth).type('application/webhook+json').send(h.body);
  };

  beforeAll(async () => {
    store = await persistentDb(kind);
    database = await store.open();
    key = (await createAdminKey(database.db, 'test')).key;
    app = makeApp(database, fake.rooms);
  });
  afterAll(async () => {
    await database?.close();
    await store?.stop();
  });

  it('the 11th concurrent call of an agent capped at 10 gets 429 with a message for the caller; an unclicked session frees its slot', async () => {
    await createAgent('capped', { maxConcurrentCalls: 10, newCallsPerIpPerHour: 100 });
    const sessions = await Promise.all(Array.from({ length: 10 }, () => start('capped')));
    expect(sessions.map((s) => s.status)).toEqual(Array(10).fill(201));
    const eleventh = await start('capped');
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error).toMatchObject({ code: 'agent_busy', message: expect.stringMatching(/busy right now/) });
    // Ten sessions created at once, serialised on the agent row: never an 11th slot in a race.
    const burst = await Promise.all(Array.from({ length: 5 }, () => start('capped')));
    expect(burst.every((s) => s.status === 429)).toBe(true);

    // A prefetched session nobody clicked holds its slot only until its join window ends.
    const unclicked = sessions[0]!.body;
    expect(unclicked.joinBy - Date.now()).toBeLessThanOrEqual(60_000);
    await database.db.execute(sql`update calls set join_by = now() - interval '1 second' where room = ${unclicked.room}`);
    expect((await start('capped')).status).toBe(201);
    // The sweeper then closes it (LiveKit reports nobody in the room) and deletes the room.
    await database.db.execute(sql`update calls set join_by = now() - interval '10 seconds' where room = ${unclicked.room}`);
    await sweep();
    const closed = await findCall(database.db, unclicked.room);
    expect(closed).toMatchObject({ endReason: 'not_joined', outcome: 'abandoned', talkSeconds: 0 });
    expect(fake.deleted).toContain(unclicked.room);
  });

  it('a caller LiveKit shows in the room is a call after all (lost join webhook), not closed', async () => {
    await createAgent('lost-hook', {});
    const s = (await start('lost-hook')).body;
    const saved = fake;
    fake = fakeRooms({ present: [s.identity] });
    try {
      await database.db.execute(sql`update calls set join_by = now() - interval '10 seconds' where room = ${s.room}`);
      await sweep();
      const call = await findCall(database.db, s.room);
      expect(call?.endedAt).toBeNull();
      expect(call?.joinedAt).not.toBeNull();
    } finally {
      fake = saved;
    }
  });

  it('an agent for demo links only refuses calls without one (403), takes them with one', async () => {
    await createAgent('demo-only', {}, { demoLinksOnly: true });
    const refused = await start('demo-only');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'demo_link_required', message: expect.stringMatching(/demo links only/) });
    const link = await admin(request(app).post('/api/admin/demo-links')).send({ agent: 'demo-only' });
    expect((await start('demo-only', { demo: link.body.slug })).status).toBe(201);
  });

  it('counts new calls per client network per hour: a forged X-Forwarded-For changes nothing without TRUST_PROXY', async () => {
    await createAgent('per-ip', { newCallsPerIpPerHour: 2 });
    expect((await start('per-ip', {}, '198.51.100.1')).status).toBe(201);
    expect((await start('per-ip', {}, '198.51.100.2')).status).toBe(201);
    const third = await start('per-ip', {}, '198.51.100.3');
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/per hour from your network/) });
  });

  it('behind a trusted proxy: X-Forwarded-For is the client, and IPv6 callers count per /64', async () => {
    await createAgent('proxied', { newCallsPerIpPerHour: 2 });
    const proxied = makeApp(database, fake.rooms, { trustProxy: ['loopback'] });
    const from = (ip: string) => request(proxied).post('/api/sessions').set('X-Forwarded-For', ip).send({ agent: 'proxied' });
    expect((await from('2001:db8:1:2::1')).status).toBe(201);
    expect((await from('2001:db8:1:2:ffff::9')).status).toBe(201); // same /64
    expect((await from('2001:db8:1:2:aaaa::7')).status).toBe(429); // still the same /64
    expect((await from('2001:db8:1:3::1')).status).toBe(201); // the next /64 is another network
    expect((await from('203.0.113.5')).status).toBe(201);
    // A client's own X-Forwarded-For in front of the proxy's entry is not believed.
    expect((await from('2001:db8:1:2::1, 203.0.113.5')).status).toBe(201);
    expect((await from('192.0.2.1, 203.0.113.5')).status).toBe(429); // counted as 203.0.113.5, its 3rd
  });

  it('minutes per day: calls in progress reserve their maximum, ended calls count what they used', async () => {
    await createAgent('daily', { minutesPerDay: 1, maxCallSeconds: 40 });
    const a = (await start('daily')).body;
    expect(a.expiresAt - Date.now()).toBeLessThanOrEqual(40_000);
    const b = await start('daily'); // 60 − 40 reserved = 20 s left
    expect(b.status).toBe(201);
    expect(b.body.expiresAt - Date.now()).toBeLessThanOrEqual(20_000);
    expect((await start('daily')).status).toBe(429); // nothing left while both run
    for (const s of [a, b.body]) {
      await joined(s.room, s.identity);
      await database.db.execute(sql`update calls set joined_at = now() - interval '60 seconds' where room = ${s.room}`);
    }
    await sweep();
    await sweep(new Date(Date.now() + (MIN_GOODBYE_S + 1) * 1000));
    const spent = await start('daily');
    expect(spent.status).toBe(429);
    expect(spent.body.error).toMatchObject({ code: 'daily_budget_spent', message: expect.stringMatching(/talk time for today/) });
  });

  it('a call past its length: goodbye requested, then the room deleted and the record closed — across a restart', async () => {
    await createAgent('short', { maxCallSeconds: 20 });
    const s = (await start('short')).body;
    await joined(s.room, s.identity);
    // Not yet within the warning: nothing happens.
    await sweep();
    expect(fake.metadata.has(s.room)).toBe(false);
    // Within CALL_END_WARNING_S of the limit: the room's metadata asks the agent for a goodbye.
    await database.db.execute(sql`update calls set joined_at = now() - make_interval(secs => ${20 - CALL_END_WARNING_S + 2}) where room = ${s.room}`);
    expect((await sweep()).warned).toBe(1);
    const notice = parseRoomMetadata(fake.metadata.get(s.room)).callEnding;
    expect(notice?.reason).toBe('max_call_length');
    expect(notice!.endsAt - Date.now()).toBeGreaterThan(0);
    expect(fake.deleted).not.toContain(s.room);

    // "Restart": the notice is in the database; the new process does not warn again, and deletes
    // the room once the limit has passed.
    await database.close();
    database = await store.open();
    app = makeApp(database, fake.rooms);
    fake.metadata.delete(s.room);
    const late = new Date(notice!.endsAt + 1000);
    expect(await sweep(late)).toMatchObject({ warned: 0, closed: 1 });
    expect(fake.metadata.has(s.room)).toBe(false);
    expect(fake.deleted).toContain(s.room);
    const call = await findCall(database.db, s.room);
    expect(call).toMatchObject({ endReason: 'max_call_length' });
    expect(call!.talkSeconds).toBeLessThanOrEqual(20);
  });
});
