import { createHash } from 'node:crypto';
import { AccessToken, type ParticipantInfo } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_LEAVING_ATTRIBUTE, DispatchMetadata } from '@voice-widget/protocol';
import { TEST_API_KEY, TEST_API_SECRET, agentAuth, testApp } from './test-app.ts';
import { ensureAgent } from '../bootstrap.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { createAdminKey } from '../repo/admin-keys.ts';
import { findAgent } from '../repo/agents.ts';
import { closeCall, findCall, openCall } from '../repo/calls.ts';
import { openOutboundCallRecord, openPhoneCall } from '../repo/phone-calls.ts';
import { queueOutboundCall, updateOutbound } from '../repo/outbound-calls.ts';
import { PARTICIPANT_KIND_AGENT } from '../resume/resume-call.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({}); // PGlite in memory
  await ensureAgent(database.db, 'acme');
});
afterAll(() => database?.close());

/**
 * LiveKit's room and dispatch services as the server sees them (no LiveKit runs in route tests):
 * the participants of each room, and what the server asked for.
 */
function liveKit() {
  const rooms = new Map<string, Partial<ParticipantInfo>[]>();
  const dispatched: { room: string; agentName: string; metadata: DispatchMetadata }[] = [];
  const removed: string[] = [];
  /** Dispatches LiveKit already lists per room (e.g. a SIP dispatch rule's), as `listDispatch` returns them. */
  const existing = new Map<string, { agentName: string; metadata: string }[]>();
  return {
    rooms,
    dispatched,
    removed,
    existing,
    deps: {
      agentName: 'voice-agent',
      rooms: {
        listParticipants: async (room: string) => (rooms.get(room) ?? []) as ParticipantInfo[],
        removeParticipant: async (room: string, identity: string) => {
          removed.push(identity);
          rooms.set(room, (rooms.get(room) ?? []).filter((p) => p.identity !== identity));
        },
      },
      dispatch: {
        createDispatch: async (room: string, agentName: string, opts?: { metadata?: string }) => {
          dispatched.push({ room, agentName, metadata: DispatchMetadata.parse(JSON.parse(opts?.metadata ?? '{}')) });
          return {} as never;
        },
        listDispatch: async (room: string) => (existing.get(room) ?? []) as never,
      },
    },
  };
}

let n = 0;
async function webCall(lk: ReturnType<typeof liveKit>, present: ('caller' | 'agent')[] = ['caller', 'agent']) {
  const agent = (await findAgent(database.db, 'acme'))!;
  const room = `web_resume_${++n}`;
  await openCall(database.db, { room, identity: `caller_${n}`, agent, channel: 'web', origin: null, ipHash: `ip_${n}`, tokenTtlS: 600 });
  lk.rooms.set(
    room,
    present.map((p) => (p === 'caller' ? { identity: `caller_${n}`, kind: 0, attributes: {} } : { identity: `agent-AJ_${n}`, kind: PARTICIPANT_KIND_AGENT, attributes: {} })),
  );
  return { room, agentIdentity: `agent-AJ_${n}` };
}

const lost = async (app: ReturnType<typeof testApp>, room: string, identity: string, cause?: string) =>
  request(app).post(`/api/calls/${room}/agent-lost`).set('authorization', await agentAuth(room)).send({ identity, atMs: 1_700_000_000_000, ...(cause ? { cause } : {}) });

/** A LiveKit webhook, signed as LiveKit signs them (JWT with the body's SHA-256). */
async function webhook(app: ReturnType<typeof testApp>, event: Record<string, unknown>) {
  const body = JSON.stringify({ id: `EV_${++n}`, createdAt: String(Math.floor(Date.now() / 1000)), ...event });
  const at = new AccessToken(TEST_API_KEY, TEST_API_SECRET);
  at.sha256 = createHash('sha256').update(body).digest('base64');
  return request(app).post('/webhooks/livekit').set('authorization', await at.toJwt()).set('content-type', 'application/webhook+json').send(body);
}

describe('a call that survives its agent', () => {
  it('a worker reports its job process gone: the lost participant is removed and the agent dispatched again with the resume marker, once', async () => {
    const lk = liveKit();
    const app = testApp(database.db, { resume: lk.deps });
    const { room, agentIdentity } = await webCall(lk);
    const res = await lost(app, room, agentIdentity);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resumed: true });
    expect(lk.removed).toEqual([agentIdentity]);
    expect(lk.dispatched).toHaveLength(1);
    expect(lk.dispatched[0]).toMatchObject({ room, agentName: 'voice-agent', metadata: { agent: 'acme', channel: 'web', resume: { lostAtMs: 1_700_000_000_000, attempt: 1 } } });
    expect((await findCall(database.db, room))!.resumes).toEqual([{ lostAtMs: 1_700_000_000_000, resumedAtMs: null, cause: 'job_exit', lostIdentity: agentIdentity }]);

    // The same loss again (a retry, or LiveKit's webhook for the removed participant): nothing more.
    expect((await lost(app, room, agentIdentity)).body).toEqual({ resumed: false, reason: 'already_resumed' });
    expect((await webhook(app, { event: 'participant_left', room: { name: room }, participant: { identity: agentIdentity, kind: 'AGENT' } })).status).toBe(200);
    expect(lk.dispatched).toHaveLength(1);

    // The resumed agent is heard: the gap closes at that time, once.
    const heard = await request(app).post(`/api/calls/${room}/resumed`).set('authorization', await agentAuth(room)).send({ atMs: 1_700_000_001_500 });
    expect(heard.body.gap).toMatchObject({ lostAtMs: 1_700_000_000_000, resumedAtMs: 1_700_000_001_500 });
    const again = await request(app).post(`/api/calls/${room}/resumed`).set('authorization', await agentAuth(room)).send({ atMs: 1_700_000_009_000 });
    expect(again.body.gap).toBeNull();
    expect((await findCall(database.db, room))!.resumes[0]!.resumedAtMs).toBe(1_700_000_001_500);

    // The call page shows the gap.
    const login = await request(app).post('/dashboard/login').type('form').send({ key: (await createAdminKey(database.db, 'resume-test')).key, next: `/dashboard/calls/${room}` });
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    const page = await request(app).get(`/dashboard/calls/${room}`).set('cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/data-testid="gaps"[\s\S]*data-testid="gap-ms">1.50 s</);
    expect(page.text).toContain('the worker: its job process exited');
  });

  it('LiveKit says the agent left: resumed unless the agent marked its leave, the caller is gone, or the call ended', async () => {
    const lk = liveKit();
    const app = testApp(database.db, { resume: lk.deps });
    const left = (room: string, identity: string, attributes: Record<string, string> = {}) =>
      webhook(app, { event: 'participant_left', room: { name: room }, participant: { identity, kind: 'AGENT', attributes } });

    const marked = await webCall(lk, ['caller']);
    await left(marked.room, marked.agentIdentity, { [AGENT_LEAVING_ATTRIBUTE]: 'ended' });
    expect(lk.dispatched).toHaveLength(0);

    const alone = await webCall(lk, []);
    await left(alone.room, alone.agentIdentity);
    expect(lk.dispatched).toHaveLength(0);

    const ended = await webCall(lk, ['caller']);
    await closeCall(database.db, ended.room, { endedAt: new Date(), reason: 'agent_report', outcome: 'completed' });
    await left(ended.room, ended.agentIdentity);
    expect(lk.dispatched).toHaveLength(0);

    const crashed = await webCall(lk, ['caller']);
    await left(crashed.room, crashed.agentIdentity);
    expect(lk.dispatched.map((d) => d.room)).toEqual([crashed.room]);
    expect((await findCall(database.db, crashed.room))!.resumes[0]).toMatchObject({ cause: 'participant_left', lostIdentity: crashed.agentIdentity });
  });

  it('no second agent: a room that has another live agent is not resumed; bad reports are refused', async () => {
    const lk = liveKit();
    const app = testApp(database.db, { resume: lk.deps });
    const { room, agentIdentity } = await webCall(lk);
    lk.rooms.get(room)!.push({ identity: 'agent-other', kind: PARTICIPANT_KIND_AGENT, attributes: {} });
    expect((await lost(app, room, agentIdentity)).body).toEqual({ resumed: false, reason: 'agent_present' });
    expect(lk.dispatched).toHaveLength(0);
    expect((await lost(app, room, '')).status).toBe(400);
    expect((await request(app).post(`/api/calls/${room}/agent-lost`).send({ identity: 'x', atMs: 1 })).status).toBe(401);
    const other = await request(app).post(`/api/calls/${room}/agent-lost`).set('authorization', await agentAuth('web_other')).send({ identity: 'x', atMs: 1 });
    expect(other.status).toBe(403);
    // A server that cannot dispatch agents says so.
    expect((await lost(testApp(database.db), room, agentIdentity)).status).toBe(503);
  });

  it('phone calls: an inbound call is resumed with its SIP dispatch rule\'s metadata; an outbound call is not', async () => {
    const lk = liveKit();
    const app = testApp(database.db, { resume: lk.deps });
    const agent = (await findAgent(database.db, 'acme'))!;
    const phoneRoom = (room: string, caller: string) =>
      lk.rooms.set(room, [
        { identity: caller, kind: 3 /* SIP */, attributes: {} },
        { identity: `agent-${room}`, kind: PARTICIPANT_KIND_AGENT, attributes: {} },
      ]);

    const inbound = `call-_+15550100_${++n}`;
    await openPhoneCall(database.db, { room: inbound, callerIdentity: 'sip_+15550100', agent, callerNumber: '+15550100', hintedCustomerId: null });
    phoneRoom(inbound, 'sip_+15550100');
    lk.existing.set(inbound, [
      { agentName: 'other-agent', metadata: JSON.stringify({ agent: 'x', channel: 'web' }) },
      { agentName: 'voice-agent', metadata: JSON.stringify({ agent: 'acme', channel: 'phone', transferTo: 'tel:+15550199' }) },
    ]);
    expect((await lost(app, inbound, `agent-${inbound}`)).body).toEqual({ resumed: true });
    expect(lk.dispatched[0]).toMatchObject({
      room: inbound,
      metadata: { agent: 'acme', channel: 'phone', transferTo: 'tel:+15550199', resume: { attempt: 1 } },
    });

    // LiveKit lists no usable dispatch: still resumed, as a phone call, without a transfer target.
    const bare = `call-_+15550101_${++n}`;
    await openPhoneCall(database.db, { room: bare, callerIdentity: 'sip_+15550101', agent, callerNumber: '+15550101', hintedCustomerId: null });
    phoneRoom(bare, 'sip_+15550101');
    lk.existing.set(bare, [{ agentName: 'voice-agent', metadata: 'not json' }]);
    expect((await lost(app, bare, `agent-${bare}`)).body).toEqual({ resumed: true });
    expect(lk.dispatched[1]!.metadata).toMatchObject({ agent: 'acme', channel: 'phone' });
    expect(lk.dispatched[1]!.metadata.transferTo).toBeUndefined();

    // Outbound: the dialer's call record; its agent is not dispatched again.
    const outbound = `out_resume_${++n}`;
    const { row } = await queueOutboundCall(database.db, {
      agentId: agent.id,
      number: '+15550102',
      context: { reason: 'a test call' },
      timeZone: 'UTC',
      ringTimeoutS: 30,
      source: 'admin',
      notBefore: new Date(),
      maxCallsPerDay: 100,
    });
    await openOutboundCallRecord(database.db, { room: outbound, calleeIdentity: 'sip_+15550102', agent, number: '+15550102', hintedCustomerId: null, demoLinkId: null, ipHash: null, maxDurationS: null });
    await updateOutbound(database.db, row.id, { room: outbound });
    phoneRoom(outbound, 'sip_+15550102');
    expect((await lost(app, outbound, `agent-${outbound}`)).body).toEqual({ resumed: false, reason: 'outbound' });
    expect(lk.dispatched).toHaveLength(2);
  });
});
