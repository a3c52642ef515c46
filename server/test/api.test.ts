/**
 * The server's API on both databases (PGlite and a real PostgreSQL): admin auth on every route,
 * agents with versions, origin checks, demo-link budgets (also across a restart), turn uploads
 * with the caller's token, the agent's config and call record (PII redacted), signed webhooks,
 * the sweeper (call limits, retention) and the dashboard.
 */
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessToken } from 'livekit-server-sdk';
import { AgentConfigResponse, type AgentTurnTimeline, CreateSessionResponse, DemoLinkPublicInfo, type TurnLatency } from '@voice-widget/protocol';
import type { Database } from '../src/db/client.ts';
import { createAdminKey, revokeAdminKey } from '../src/repo/admin-keys.ts';
import { sweepOnce } from '../src/sweeper.ts';
import {
  DB_KINDS,
  agentConfig,
  agentToken,
  apiKey,
  fakeRooms,
  makeApp,
  persistentDb,
  queryRows,
  signedWebhook,
  silent,
} from './helpers.ts';

/** The agent's timeline of the reply heard in `turn(index, perceivedMs)` (agent span = perceived − 300 ms). */
const reply = (index: number, perceivedMs: number): AgentTurnTimeline => {
  const eot = 1_700_000_000_000 + index * 10_000 + 200;
  return { type: 'turn_timeline', responseId: `resp_${index}`, endOfTurnAt: eot, endOfTurnSource: 'model_vad', responseCreatedAt: eot + 5, firstAudioDeltaAt: eot + perceivedMs - 350, firstFramePublishedAt: eot + perceivedMs - 300, interrupted: false };
};

const turn = (index: number, perceivedMs: number, extra: Partial<TurnLatency> = {}): TurnLatency => ({
  index,
  speechEndAt: 1_700_000_000_000 + index * 10_000,
  playStartAt: 1_700_000_000_000 + index * 10_000 + perceivedMs,
  perceivedMs,
  overlap: perceivedMs < 0,
  stages: { endpointingMs: 200, modelMs: perceivedMs - 350, agentOutMs: 50, networkPlayoutMs: 100 },
  endOfTurnSource: 'model_vad',
  clockUncertaintyMs: 3,
  ...extra,
});

describe.each(DB_KINDS)('API on %s', (kind) => {
  let store: Awaited<ReturnType<typeof persistentDb>>;
  let database: Database;
  let key: string;
  const fake = fakeRooms();
  let app: ReturnType<typeof makeApp>;
  const admin = (req: request.Test) => req.set('Authorization', `Bearer ${key}`);

  /** Creates an agent through the admin API. */
  const createAgent = async (slug: string, over: Record<string, unknown> = {}) => {
    const res = await admin(request(app).post('/api/admin/agents')).send({ slug, config: agentConfig(over) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const createLink = async (body: Record<string, unknown>) => {
    const res = await admin(request(app).post('/api/admin/demo-links')).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { slug: string; reportSlug: string; url: string };
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

  describe('admin authentication', () => {
    const routes: [string, string][] = [
      ['get', '/api/admin/agents'],
      ['post', '/api/admin/agents'],
      ['get', '/api/admin/agents/acme'],
      ['put', '/api/admin/agents/acme'],
      ['delete', '/api/admin/agents/acme'],
      ['get', '/api/admin/demo-links'],
      ['post', '/api/admin/demo-links'],
      ['delete', '/api/admin/demo-links/AAAAAAAAAAAAAAAAAAAAAAAA'],
      ['get', '/api/admin/calls'],
      ['get', '/api/admin/calls/web_x'],
      ['get', '/api/admin/stats/latency'],
    ];
    it.each(routes)('%s %s: 401 without a key, 403 with a wrong or revoked key', async (method, path) => {
      const call = () => (request(app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path);
      const none = await call().send({});
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      const wrong = await call().set('Authorization', `Bearer vwk_${'x'.repeat(43)}`).send({});
      expect(wrong.status).toBe(403);
      const garbage = await call().set('Authorization', 'Bearer nope').send({});
      expect(garbage.status).toBe(403);
      const revoked = await createAdminKey(database.db, 'to revoke');
      await revokeAdminKey(database.db, revoked.id);
      const old = await call().set('Authorization', `Bearer ${revoked.key}`).send({});
      expect(old.status).toBe(403);
    });

    it('dashboard pages redirect to sign-in without a session; a wrong key is refused', async () => {
      for (const path of ['/dashboard', '/dashboard/calls', '/dashboard/calls/web_x', '/dashboard/demo-links']) {
        const res = await request(app).get(path);
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/dashboard\/login\?next=/);
      }
      const bad = await request(app).post('/dashboard/login').type('form').send({ key: 'vwk_wrong', next: '/dashboard' });
      expect(bad.status).toBe(403);
      expect(bad.headers['set-cookie']).toBeUndefined();
    });

    it('the admin API answers no CORS preflight', async () => {
      const res = await request(app).options('/api/admin/agents').set('Origin', 'https://evil.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('agents', () => {
    it('creates, versions and disables an agent; a call records the version it ran', async () => {
      await createAgent('versioned');
      const v2 = await admin(request(app).put('/api/admin/agents/versioned')).send({
        config: agentConfig({ instructions: 'Be very brief.' }),
      });
      expect(v2.status).toBe(200);
      expect(v2.body.version).toBe(2);
      const v1 = await admin(request(app).get('/api/admin/agents/versioned?version=1'));
      expect(v1.body.config.instructions).toBe('Be brief.');

      const s = await request(app).post('/api/sessions').send({ agent: 'versioned' });
      expect(s.status).toBe(201);
      const call = await admin(request(app).get(`/api/admin/calls/${s.body.room}`));
      expect(call.body.call.agentVersion).toBe(2);

      expect((await admin(request(app).delete('/api/admin/agents/versioned'))).status).toBe(204);
      const after = await request(app).post('/api/sessions').send({ agent: 'versioned' });
      expect(after.status).toBe(404);
      expect(after.body.error.code).toBe('unknown_agent');
    });

    it('rejects a greeting without an AI disclosure, and unknown fields', async () => {
      const res = await admin(request(app).post('/api/admin/agents')).send({
        slug: 'sneaky',
        config: agentConfig({ greeting: 'Hello, this is Sam from Acme.' }),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/disclose/);
      const extra = await admin(request(app).post('/api/admin/agents')).send({ slug: 'x', config: agentConfig({ admin: true }) });
      expect(extra.status).toBe(400);
    });

    it('unknown agents get 404 from /api/sessions', async () => {
      const res = await request(app).post('/api/sessions').send({ agent: 'nobody' });
      expect(res.status).toBe(404);
    });
  });

  describe('allowed origins', () => {
    it('only the agent’s origins may start calls (demo site too for demo links)', async () => {
      await createAgent('shop', { allowedOrigins: ['https://shop.example'] });
      const ok = await request(app).post('/api/sessions').set('Origin', 'https://shop.example').send({ agent: 'shop' });
      expect(ok.status).toBe(201);
      const evil = await request(app).post('/api/sessions').set('Origin', 'https://evil.example').send({ agent: 'shop' });
      expect(evil.status).toBe(403);
      expect(evil.body.error.code).toBe('origin_not_allowed');
      const none = await request(app).post('/api/sessions').send({ agent: 'shop' });
      expect(none.status).toBe(403);
      const demoSite = await request(app).post('/api/sessions').set('Origin', 'http://127.0.0.1:5173').send({ agent: 'shop' });
      expect(demoSite.status).toBe(403); // the demo site is allowed for demo links only
      const link = await createLink({ agent: 'shop' });
      const demo = await request(app)
        .post('/api/sessions')
        .set('Origin', 'http://127.0.0.1:5173')
        .send({ agent: 'shop', demo: link.slug });
      expect(demo.status).toBe(201);
    });
  });

  describe('demo links', () => {
    it('are unguessable (≥ 128 bits) and show public info without budgets', async () => {
      await createAgent('demo-info', { description: 'Shows the demo page.' });
      const link = await createLink({ agent: 'demo-info', leadCapture: true, label: 'ACME pitch' });
      expect(Buffer.from(link.slug, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(link.url).toBe(`http://127.0.0.1:5173/d/${link.slug}`);
      const res = await request(app).get(`/api/demo-links/${link.slug}`);
      expect(res.status).toBe(200);
      const info = DemoLinkPublicInfo.parse(res.body);
      expect(info).toMatchObject({ status: 'active', leadCapture: true, description: 'Shows the demo page.', message: null });
      expect(JSON.stringify(res.body)).not.toMatch(/budget|used|reportSlug/i);
      expect((await request(app).get('/api/demo-links/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    });

    it('lead capture: name and e-mail are required before the call and stored with it', async () => {
      await createAgent('demo-lead');
      const link = await createLink({ agent: 'demo-lead', leadCapture: true });
      const without = await request(app).post('/api/sessions').send({ agent: 'demo-lead', demo: link.slug });
      expect(without.status).toBe(400);
      expect(without.body.error.code).toBe('lead_required');
      const badEmail = await request(app)
        .post('/api/sessions')
        .send({ agent: 'demo-lead', demo: link.slug, lead: { name: 'Ada', email: 'not-an-email' } });
      expect(badEmail.status).toBe(400);
      const ok = await request(app)
        .post('/api/sessions')
        .send({ agent: 'demo-lead', demo: link.slug, lead: { name: 'Ada', email: 'ada@example.com' } });
      expect(ok.status).toBe(201);
      const rows = await queryRows(database, sql`select name, email from leads`);
      expect(rows).toContainEqual({ name: 'Ada', email: 'ada@example.com' });
    });

    it('enforce concurrency, per-IP rate, total minutes, expiry and revocation with clear messages', async () => {
      await createAgent('demo-budget');
      // 1 minute total, 30 s calls, 1 at once, 3 per IP per hour.
      const link = await createLink({ agent: 'demo-budget', budgetMinutes: 1, maxCallSeconds: 30, maxConcurrentCalls: 1, perIpPerHour: 3 });
      const start = () => request(app).post('/api/sessions').send({ agent: 'demo-budget', demo: link.slug });

      const first = await start();
      expect(first.status).toBe(201);
      // The call's token lives no longer than the call may.
      expect(first.body.expiresAt - Date.now()).toBeLessThanOrEqual(30_000);
      // A prefetched session is only offered for joining while its token is valid.
      expect(first.body.joinBy).toBeLessThanOrEqual(first.body.expiresAt);
      const busy = await start();
      expect(busy.status).toBe(429);
      expect(busy.body.error.code).toBe('demo_busy');
      expect(busy.body.error.message).toMatch(/busy/);

      const hook = async (event: 'participant_joined' | 'room_finished', room: string, identity?: string) => {
        const h = await signedWebhook({ event, room: { name: room } as never, ...(identity ? { participant: { identity } as never } : {}) });
        expect((await request(app).post('/webhooks/livekit').set('Authorization', h.auth).type('application/webhook+json').send(h.body)).status).toBe(200);
      };
      // The caller joined 10 s after the session was created (a hover prefetch, then the click) and
      // the room finishes 25 s after the join (LiveKit webhooks): 25 s are charged, not 35.
      await hook('participant_joined', first.body.room, first.body.identity);
      await database.db.execute(
        sql`update calls set created_at = now() - interval '35 seconds', joined_at = now() - interval '25 seconds' where room = ${first.body.room}`,
      );
      await hook('room_finished', first.body.room);

      // A prefetched session nobody clicked (never joined, room closed by LiveKit) costs nothing.
      const unclicked = await start();
      expect(unclicked.status).toBe(201);
      await database.db.execute(sql`update calls set created_at = now() - interval '60 seconds' where room = ${unclicked.body.room}`);
      await hook('room_finished', unclicked.body.room);
      const links = (await admin(request(app).get('/api/admin/demo-links'))).body.demoLinks as { slug: string; usedSeconds: number }[];
      expect(links.find((l) => l.slug === link.slug)?.usedSeconds).toBeCloseTo(25, 0);

      const second = await start();
      expect(second.status).toBe(201);
      await closeNow(second.body.room, 30);
      // 25 + 30 s of 60 s used; 5 s left is less than a call is worth: spent.
      const spent = await start();
      expect(spent.status).toBe(403);
      expect(spent.body.error.code).toBe('demo_budget_spent');
      expect(spent.body.error.message).toMatch(/used all of its talk time/);
      const info = await request(app).get(`/api/demo-links/${link.slug}`);
      expect(info.body.status).toBe('exhausted');

      // Per-IP: a fresh link allowing 2 calls per hour.
      const rate = await createLink({ agent: 'demo-budget', perIpPerHour: 2, maxConcurrentCalls: 10 });
      const startRate = () => request(app).post('/api/sessions').send({ agent: 'demo-budget', demo: rate.slug });
      expect((await startRate()).status).toBe(201);
      expect((await startRate()).status).toBe(201);
      const limited = await startRate();
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('demo_rate_limited');

      // Revoked and expired.
      const revoked = await createLink({ agent: 'demo-budget' });
      expect((await admin(request(app).delete(`/api/admin/demo-links/${revoked.slug}`))).status).toBe(204);
      const r = await request(app).post('/api/sessions').send({ agent: 'demo-budget', demo: revoked.slug });
      expect(r.status).toBe(410);
      expect(r.body.error.code).toBe('demo_revoked');
      const expired = await createLink({ agent: 'demo-budget' });
      await database.db.execute(sql`update demo_links set expires_at = now() - interval '1 minute' where slug = ${expired.slug}`);
      const e = await request(app).post('/api/sessions').send({ agent: 'demo-budget', demo: expired.slug });
      expect(e.status).toBe(410);
      expect(e.body.error.message).toMatch(/expired/);
      // A slug for another agent is not accepted.
      await createAgent('demo-other');
      const mismatch = await request(app).post('/api/sessions').send({ agent: 'demo-other', demo: rate.slug });
      expect(mismatch.status).toBe(404);
    });

    it('budgets survive a restart (state is in the database, not in memory)', async () => {
      await createAgent('demo-restart');
      const link = await createLink({ agent: 'demo-restart', budgetMinutes: 1, maxCallSeconds: 40, maxConcurrentCalls: 1, perIpPerHour: 100 });
      const open = await request(app).post('/api/sessions').send({ agent: 'demo-restart', demo: link.slug });
      expect(open.status).toBe(201);

      // "Restart": close the database, open it again, build a new app.
      await database.close();
      database = await store.open();
      app = makeApp(database, fake.rooms);

      const busy = await request(app).post('/api/sessions').send({ agent: 'demo-restart', demo: link.slug });
      expect(busy.status).toBe(429); // the open call still holds the only line
      await closeNow(open.body.room, 40);
      // 40 s used of 60: the next call gets the remaining 20 s; the one after finds it spent.
      const next = await request(app).post('/api/sessions').send({ agent: 'demo-restart', demo: link.slug });
      expect(next.status).toBe(201);
      expect(next.body.expiresAt - Date.now()).toBeLessThanOrEqual(20_000);
      await closeNow(next.body.room, 20);
      await database.close();
      database = await store.open();
      app = makeApp(database, fake.rooms);
      const spent = await request(app).post('/api/sessions').send({ agent: 'demo-restart', demo: link.slug });
      expect(spent.status).toBe(403);
    });

    /** Backdates a call's creation and join by `seconds` and lets the sweeper end it at its limit. */
    async function closeNow(room: string, seconds: number) {
      await database.db.execute(
        sql`update calls set created_at = now() - make_interval(secs => ${seconds + 10}), joined_at = now() - make_interval(secs => ${seconds + 10}) where room = ${room}`,
      );
      const sweep = (now?: Date) => sweepOnce({ db: database.db, rooms: fake.rooms, log: silent, staleCallS: 3600, retentionDays: 0 }, now);
      // First the room is told the call is ending (the agent says goodbye), then it is deleted.
      expect((await sweep()).warned).toBeGreaterThanOrEqual(1);
      expect(fake.metadata.get(room)).toMatch(/"reason":"max_call_length"/);
      expect(fake.deleted).not.toContain(room);
      const { closed } = await sweep(new Date(Date.now() + 7_000));
      expect(closed).toBeGreaterThanOrEqual(1);
      expect(fake.deleted).toContain(room);
    }
  });

  describe('turn uploads (widget)', () => {
    it('accept the caller’s own token for its room only; idempotent per index', async () => {
      await createAgent('turns');
      const a = CreateSessionResponse.parse((await request(app).post('/api/sessions').send({ agent: 'turns' })).body);
      const b = CreateSessionResponse.parse((await request(app).post('/api/sessions').send({ agent: 'turns' })).body);
      const post = (room: string, token: string | null, body: unknown) => {
        const req = request(app).post(`/api/sessions/${room}/turns`).set('Origin', 'https://any.example');
        return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(body as object);
      };
      const ok = await post(a.room, a.token, turn(0, 640));
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({ stored: true, verification: 'pending' }); // no agent timeline yet
      expect(ok.headers['access-control-allow-origin']).toBe('*');
      expect((await post(a.room, a.token, turn(0, 650))).status).toBe(201); // replaces index 0
      expect((await post(a.room, null, turn(1, 500))).status).toBe(401);
      expect((await post(a.room, 'not.a.jwt', turn(1, 500))).status).toBe(401);
      expect((await post(a.room, b.token, turn(1, 500))).status).toBe(403); // another room's caller
      expect((await post(a.room, await agentToken(a.room), turn(1, 500))).status).toBe(403); // not a caller token
      const forged = new AccessToken(apiKey, 'another-secret-that-is-at-least-32-characters', { identity: a.identity });
      forged.addGrant({ room: a.room, roomJoin: true });
      expect((await post(a.room, await forged.toJwt(), turn(1, 500))).status).toBe(401);
      const bad = await post(a.room, a.token, { ...turn(1, 500), perceivedMs: 'fast' });
      expect(bad.status).toBe(400);
      const detail = await admin(request(app).get(`/api/admin/calls/${a.room}`));
      expect(detail.body.turns).toHaveLength(1);
      expect(detail.body.turns[0].perceivedMs).toBe(650);
    });
  });

  describe('agent worker API', () => {
    it('serves the pinned config and stores the call record with PII redacted', async () => {
      await createAgent('recorded');
      const s = CreateSessionResponse.parse((await request(app).post('/api/sessions').send({ agent: 'recorded' })).body);
      // A new version after the call started does not change what the call runs.
      await admin(request(app).put('/api/admin/agents/recorded')).send({ config: agentConfig({ voice: 'verse' }) });

      const token = await agentToken(s.room);
      const cfg = await request(app).get(`/api/calls/${s.room}/agent-config`).set('Authorization', `Bearer ${token}`);
      expect(cfg.status).toBe(200);
      const parsed = AgentConfigResponse.parse(cfg.body);
      expect(parsed).toMatchObject({ agent: 'recorded', version: 1, maxCallSeconds: 600 }); // the agent's default limit
      expect(parsed.config.voice).toBe('alloy');
      expect((await request(app).get(`/api/calls/${s.room}/agent-config`).set('Authorization', `Bearer ${s.token}`)).status).toBe(403);
      expect((await request(app).get(`/api/calls/${s.room}/agent-config`)).status).toBe(401);
      const other = await agentToken('web_other');
      expect((await request(app).get(`/api/calls/${s.room}/agent-config`).set('Authorization', `Bearer ${other}`)).status).toBe(403);

      const t0 = Date.now();
      const record = {
        outcome: 'transferred',
        endedAtMs: t0 + 30_000,
        transcript: [
          { speaker: 'agent', text: "Hi, I'm an AI assistant.", atMs: t0 },
          { speaker: 'caller', text: 'My card is 4111 1111 1111 1111 and my email is ada@example.com', atMs: t0 + 4000 },
          { speaker: 'agent', text: 'Thanks, transferring you now.', atMs: t0 + 8000, interrupted: true },
        ],
        bargeIns: [{ atMs: t0 + 8500 }],
      };
      // Tool calls are the audit trail, uploaded as they happen (not with the record).
      const audit = await request(app)
        .post(`/api/calls/${s.room}/audit`)
        .set('Authorization', `Bearer ${token}`)
        .send({ events: [{ tool: 'transfer_to_human', args: '{"phone":"+1 415 555 0132"}', decision: 'allowed', result: '{"ok":true}', atMs: t0 + 9000 }] });
      expect(audit.status).toBe(204);
      const up = await request(app).post(`/api/calls/${s.room}/record`).set('Authorization', `Bearer ${token}`).send(record);
      expect(up.status).toBe(204);
      const raw = JSON.stringify(
        await queryRows(database, sql`select t.text, c.arguments from transcript_entries t left join tool_calls c on c.call_id = t.call_id`),
      );
      expect(raw).not.toContain('4111');
      expect(raw).not.toContain('ada@example.com');
      expect(raw).toContain('[card]');
      const detail = await admin(request(app).get(`/api/admin/calls/${s.room}`));
      expect(detail.body.call.outcome).toBe('transferred');
      expect(detail.body.call.endedAt).not.toBeNull();
      expect(detail.body.call.bargeIns).toEqual([t0 + 8500]);
      expect(detail.body.transcript[1].text).toBe('My card is [card] and my email is [email]');
      expect(detail.body.toolCalls[0].args).toBe('{"phone":"[phone]"}');

      const badRecord = await request(app).post(`/api/calls/${s.room}/record`).set('Authorization', `Bearer ${token}`).send({ outcome: 'won' });
      expect(badRecord.status).toBe(400);
    });
  });

  describe('LiveKit webhooks', () => {
    it('close the call on room_finished; a bad signature changes nothing', async () => {
      await createAgent('hooks');
      const s = (await request(app).post('/api/sessions').send({ agent: 'hooks' })).body;
      const joined = await signedWebhook({ event: 'participant_joined', room: { name: s.room } as never, participant: { identity: s.identity } as never });
      const send = (h: { body: string; auth: string }) =>
        request(app).post('/webhooks/livekit').set('Authorization', h.auth).type('application/webhook+json').send(h.body);
      expect((await send(joined)).status).toBe(200);

      const finished = await signedWebhook({ event: 'room_finished', room: { name: s.room } as never });
      const forged = await signedWebhook({ event: 'room_finished', room: { name: s.room } as never }, 'wrong-secret-that-is-at-least-32-characters!');
      const r1 = await send(forged);
      expect(r1.status).toBe(401);
      const tampered = await send({ body: finished.body.replace(s.room, 'web_other'), auth: finished.auth });
      expect(tampered.status).toBe(401);
      const unsigned = await request(app).post('/webhooks/livekit').type('application/webhook+json').send(finished.body);
      expect(unsigned.status).toBe(401);
      let call = (await admin(request(app).get(`/api/admin/calls/${s.room}`))).body.call;
      expect(call.endedAt).toBeNull();
      expect(call.joinedAt).not.toBeNull();

      expect((await send(finished)).status).toBe(200);
      call = (await admin(request(app).get(`/api/admin/calls/${s.room}`))).body.call;
      expect(call.endedAt).not.toBeNull();
      expect(call.endReason).toBe('room_finished');
      expect(call.outcome).toBe('completed');
    });
  });

  describe('retention', () => {
    it('deletes calls and their transcripts older than the retention setting', async () => {
      await createAgent('old');
      const s = (await request(app).post('/api/sessions').send({ agent: 'old' })).body;
      const fresh = (await request(app).post('/api/sessions').send({ agent: 'old' })).body;
      await request(app)
        .post(`/api/calls/${s.room}/record`)
        .set('Authorization', `Bearer ${await agentToken(s.room)}`)
        .send({ outcome: 'completed', endedAtMs: Date.now(), transcript: [{ speaker: 'caller', text: 'hello', atMs: Date.now() }] });
      await database.db.execute(sql`update calls set created_at = now() - interval '31 days' where room = ${s.room}`);
      const { deleted } = await sweepOnce({ db: database.db, rooms: fake.rooms, log: silent, staleCallS: 1e9, retentionDays: 30 });
      expect(deleted).toBe(1);
      expect((await admin(request(app).get(`/api/admin/calls/${s.room}`))).status).toBe(404);
      expect((await admin(request(app).get(`/api/admin/calls/${fresh.room}`))).status).toBe(200);
      const orphans = await queryRows(database, sql`select count(*)::int as n from transcript_entries t left join calls c on c.id = t.call_id where c.id is null`);
      expect(orphans[0]).toEqual({ n: 0 });
    });
  });

  describe('dashboard', () => {
    it('signs in with an admin key and shows calls, a call’s transcript and timeline, the histogram and a public report', async () => {
      await createAgent('dash');
      const link = await createLink({ agent: 'dash', label: 'Pitch' });
      const s = (await request(app).post('/api/sessions').send({ agent: 'dash', demo: link.slug })).body;
      // The agent reports its replies; the widget's turns name them and are verified against them.
      const replies = [620, 480, 910].map((ms, i) => reply(i, ms));
      expect((await request(app).post(`/api/calls/${s.room}/timelines`).set('Authorization', `Bearer ${await agentToken(s.room)}`).send({ timelines: replies })).status).toBe(204);
      for (const [i, ms] of [620, 480, 910].entries()) {
        const up = await request(app).post(`/api/sessions/${s.room}/turns`).set('Authorization', `Bearer ${s.token}`).send(turn(i, ms, { responseId: `resp_${i}` }));
        expect(up.body.verification).toBe('verified');
      }
      // A fourth turn that claims a reply nobody reported stays out of every aggregate.
      await request(app).post(`/api/sessions/${s.room}/turns`).set('Authorization', `Bearer ${s.token}`).send(turn(3, 50, { responseId: 'resp_forged', stages: null }));
      await request(app)
        .post(`/api/calls/${s.room}/record`)
        .set('Authorization', `Bearer ${await agentToken(s.room)}`)
        .send({ outcome: 'completed', endedAtMs: Date.now(), transcript: [{ speaker: 'caller', text: 'Where is <b>my</b> order?', atMs: Date.now() }] });

      const agent = request.agent(app);
      const login = await agent.post('/dashboard/login').type('form').send({ key, next: '/dashboard/calls' });
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/dashboard/calls');
      const cookie = String(login.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);

      const calls = await agent.get('/dashboard/calls?agent=dash&outcome=completed');
      expect(calls.status).toBe(200);
      expect(calls.text).toContain(s.room);
      expect(calls.headers['content-security-policy']).toMatch(/default-src 'self'/);
      const none = await agent.get('/dashboard/calls?agent=dash&outcome=transferred');
      expect(none.text).not.toContain(s.room);
      expect((await agent.get('/dashboard/calls?outcome=won')).status).toBe(400);

      const detail = await agent.get(`/dashboard/calls/${s.room}`);
      expect(detail.text).toContain('Where is &lt;b&gt;my&lt;/b&gt; order?'); // escaped, never raw HTML
      expect(detail.text).toContain('data-testid="timeline"');
      expect((detail.text.match(/data-stage="modelMs"/g) ?? []).length).toBe(3);
      expect(detail.text).toMatch(/<tr data-verification="pending">/); // the fourth turn, flagged

      const overview = await agent.get('/dashboard?agent=dash');
      expect(overview.text).toContain('data-testid="histogram"');
      expect(overview.text).toMatch(/data-testid="p50">620 ms/); // summarize([480, 620, 910]).p50
      expect(overview.text).toMatch(/data-testid="containment">100.0 %/);

      const report = await request(app).get(`/reports/${link.reportSlug}`);
      expect(report.status).toBe(200);
      expect(report.text).toContain('data-testid="histogram"');
      expect(report.text).not.toContain('order?'); // no call contents in the shared report
      expect((await request(app).get(`/reports/${link.slug}`)).status).toBe(404); // the demo slug is not the report slug

      const out = await agent.post('/dashboard/logout');
      expect(out.status).toBe(303);
      expect((await agent.get('/dashboard')).status).toBe(303);
    });
  });
});
