/**
 * Latency numbers a caller cannot forge into a report (issue 10): turns are accepted only while
 * the call is open (plus a short grace), each counts for one agent reply at most, and a turn that
 * does not fit the agent's own timeline of that reply is stored `unverified` — kept out of the
 * public report and the dashboard's aggregates, shown flagged in the call detail.
 */
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentTurnTimeline, TurnLatency } from '@voice-widget/protocol';
import type { Database } from '../src/db/client.ts';
import { createAdminKey } from '../src/repo/admin-keys.ts';
import { TURN_UPLOAD_GRACE_S } from '../src/routes/sessions.ts';
import { PENDING_TURN_EXPIRY_S, sweepOnce } from '../src/sweeper.ts';
import { agentConfig, agentToken, fakeRooms, makeApp, persistentDb, queryRows, silent } from './helpers.ts';

const T0 = 1_700_000_000_000;
/** The agent's reply `i`: end of turn 200 ms after the caller's speech end, first frame out 400 ms later. */
const reply = (i: number): AgentTurnTimeline => ({
  type: 'turn_timeline', responseId: `resp_${i}`, endOfTurnAt: T0 + i * 10_000 + 200, endOfTurnSource: 'client_hint',
  responseCreatedAt: T0 + i * 10_000 + 210, firstAudioDeltaAt: T0 + i * 10_000 + 560, firstFramePublishedAt: T0 + i * 10_000 + 600, interrupted: false,
});
const turn = (i: number, perceivedMs: number, responseId: string | null = `resp_${i}`): TurnLatency => ({
  index: i, speechEndAt: T0 + i * 10_000, playStartAt: T0 + i * 10_000 + perceivedMs, perceivedMs, overlap: false,
  stages: null, endOfTurnSource: 'client_hint', clockUncertaintyMs: 3, responseId,
});

describe('turn uploads checked against the agent timeline', () => {
  let store: Awaited<ReturnType<typeof persistentDb>>;
  let database: Database;
  let key: string;
  const fake = fakeRooms();
  let app: ReturnType<typeof makeApp>;
  let link: { slug: string; reportSlug: string };
  const admin = (req: request.Test) => req.set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    store = await persistentDb('pglite');
    database = await store.open();
    key = (await createAdminKey(database.db, 'test')).key;
    app = makeApp(database, fake.rooms);
    await admin(request(app).post('/api/admin/agents')).send({ slug: 'honest', config: agentConfig() });
    link = (await admin(request(app).post('/api/admin/demo-links')).send({ agent: 'honest', perIpPerHour: 100, maxConcurrentCalls: 10 })).body;
  });
  afterAll(async () => {
    await database?.close();
    await store?.stop();
  });

  const session = async () => {
    const res = await request(app).post('/api/sessions').send({ agent: 'honest', demo: link.slug });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { room: string; token: string };
  };
  const upload = (s: { room: string; token: string }, body: unknown) =>
    request(app).post(`/api/sessions/${s.room}/turns`).set('Authorization', `Bearer ${s.token}`).send(body as object);
  const timelines = async (room: string, list: AgentTurnTimeline[]) =>
    request(app).post(`/api/calls/${room}/timelines`).set('Authorization', `Bearer ${await agentToken(room)}`).send({ timelines: list });
  const verdicts = async (room: string) =>
    (await queryRows(database, sql`select t.idx, t.verification from turns t join calls c on c.id = t.call_id where c.room = ${room} order by t.idx`)).map((r) => `${r.idx}:${r.verification}`);

  it('verifies a real turn, whether the agent timeline arrives before or after it', async () => {
    const s = await session();
    expect((await timelines(s.room, [reply(0)])).status).toBe(204);
    expect((await upload(s, turn(0, 900))).body.verification).toBe('verified');
    expect((await upload(s, turn(1, 850))).body.verification).toBe('pending'); // reply 1 not reported yet
    expect((await timelines(s.room, [reply(1)])).status).toBe(204);
    expect(await verdicts(s.room)).toEqual(['0:verified', '1:verified']);
  });

  it('a forged fast turn, a second claim on one reply and a turn naming no reply are not verified', async () => {
    const s = await session();
    await timelines(s.room, [reply(0), reply(1)]);
    expect((await upload(s, turn(0, 120))).body.verification).toBe('unverified'); // faster than the agent's own 400 ms
    expect((await upload(s, turn(1, 900))).body.verification).toBe('verified');
    expect((await upload(s, turn(2, 900, 'resp_1'))).body.verification).toBe('unverified'); // reply 1 counted already
    expect((await upload(s, turn(3, 900, null))).body.verification).toBe('pending');
    // Replacing the verified turn with a forged value loses its verification.
    expect((await upload(s, turn(1, 200))).body.verification).toBe('unverified');
    const detail = await admin(request(app).get(`/api/admin/calls/${s.room}`));
    expect(detail.body.turns.find((t: { idx: number }) => t.idx === 0).verificationNote).toMatch(/shorter than the agent's own 400 ms/);
  });

  it('refuses absurd numbers with 400 (regression: speechEndAt 1e300 was a 500)', async () => {
    const s = await session();
    const bad = await upload(s, { ...turn(0, 900), speechEndAt: 1e300, playStartAt: 1e300 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/speechEndAt/);
    expect((await upload(s, { ...turn(0, 900), index: 5_000 })).status).toBe(400);
    expect((await timelines(s.room, [{ ...reply(0), firstFramePublishedAt: 1e300 }])).status).toBe(400);
  });

  it('accepts uploads only while the call is open plus a grace; pending turns of closed calls become unverified', async () => {
    const s = await session();
    await upload(s, turn(0, 900)); // pending: the agent never reports reply 0
    await database.db.execute(sql`update calls set ended_at = now() - make_interval(secs => ${TURN_UPLOAD_GRACE_S + 1}), end_reason = 'room_finished' where room = ${s.room}`);
    const late = await upload(s, turn(1, 900));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('call_closed');
    await sweepOnce({ db: database.db, rooms: fake.rooms, log: silent, staleCallS: 3600, retentionDays: 0 }, new Date(Date.now() + PENDING_TURN_EXPIRY_S * 1000));
    expect(await verdicts(s.room)).toEqual(['0:unverified']);
  });

  it('the public report and the dashboard aggregates count verified turns only', async () => {
    const report = await request(app).get(`/reports/${link.reportSlug}`);
    // Verified so far: 900 and 850 (first call), 900 (second call, turn 1 was later replaced and lost it) → 2 turns.
    expect(report.text).toMatch(/data-testid="turn-count">2</);
    expect(report.text).not.toMatch(/120 ms/);
    const stats = await admin(request(app).get('/api/admin/stats/latency?agent=honest'));
    expect(stats.body.overall.count).toBe(2);
  });

  it("the agent's config carries the fastest model reply of its recent calls (first audio − response.created)", async () => {
    await admin(request(app).post('/api/admin/agents')).send({ slug: 'swift', config: agentConfig() });
    const swiftLink = (await admin(request(app).post('/api/admin/demo-links')).send({ agent: 'swift', perIpPerHour: 100, maxConcurrentCalls: 10 })).body;
    const open = async () => (await request(app).post('/api/sessions').send({ agent: 'swift', demo: swiftLink.slug })).body as { room: string };
    const config = async (room: string) =>
      (await request(app).get(`/api/calls/${room}/agent-config`).set('Authorization', `Bearer ${await agentToken(room)}`)).body.modelFirstAudioMs;
    const first = await open();
    expect(await config(first.room)).toBeNull(); // no reply of this agent yet
    const ttfa = (i: number, ms: number | null): AgentTurnTimeline => ({ ...reply(i), firstAudioDeltaAt: ms === null ? null : reply(i).responseCreatedAt! + ms });
    // 420 and 380 ms replies, one cancelled before any audio (no speed to learn from it), and one
    // whose audio the agent's clock put before its response (not a speed either).
    await timelines(first.room, [ttfa(0, 420), ttfa(1, 380), ttfa(2, null), ttfa(3, -50)]);
    const second = await open();
    expect(await config(second.room)).toBe(380);
    // Another agent's faster replies (the 'honest' agent's 350 ms) are not this agent's model.
    await timelines(second.room, [ttfa(0, 395)]);
    expect(await config(second.room)).toBe(380);
    // A call older than the window no longer counts.
    await queryRows(database, sql`update calls set created_at = now() - interval '25 hours' where room = ${first.room}`);
    expect(await config((await open()).room)).toBe(395);
  });
});
