/**
 * Hand-offs on a real database (PGlite in memory), through the HTTP API the agent and the console
 * use: the live transcript (idempotent per seq), the queue with its context package, taking a call
 * (one winner, a token for this room only), callbacks when nobody is online or the wait limit
 * passes, cold-transfer packages posted signed before the reply, hand-off metrics, and who may do
 * what (an agent key takes calls but cannot configure; a caller's token cannot read the queue).
 */
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { TokenVerifier } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessToken } from 'livekit-server-sdk';
import { ColdTransferPayload, HandoffMetrics, HandoffState, QueueSnapshot, TakeResponse } from '@voice-widget/protocol';
import { ensureAgent, seedDemoCustomers } from '../bootstrap.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { cases } from '../db/schema.ts';
import { createAdminKey } from '../repo/admin-keys.ts';
import { agentSecret, findAgent } from '../repo/agents.ts';
import { openCall } from '../repo/calls.ts';
import { dropPresence, touchPresence } from '../repo/handoffs.ts';
import { verifyPayload } from '../tools/signature.ts';
import { TEST_API_KEY, TEST_API_SECRET, agentAuth, testApp } from './test-app.ts';

let database: Database;
let admin: string;
let sam: { id: number; key: string };
let kim: { id: number; key: string };
const posted: { body: string; signature: string | null; atMs: number }[] = [];
let endpointStatus = 200;
const fakeFetch = (async (_url: string, init: RequestInit) => {
  posted.push({ body: String(init.body), signature: new Headers(init.headers).get('x-voice-signature'), atMs: Date.now() });
  return new Response('{}', { status: endpointStatus });
}) as typeof fetch;
const deleted: string[] = [];

beforeAll(async () => {
  database = await openDatabase({}); // PGlite in memory
  await ensureAgent(database.db, 'acme');
  await seedDemoCustomers(database.db);
  admin = `Bearer ${(await createAdminKey(database.db, 'ops')).key}`;
  sam = await createAdminKey(database.db, 'Sam', 'agent');
  kim = await createAdminKey(database.db, 'Kim', 'agent');
});
afterAll(() => database?.close());

const app = () => testApp(database.db, { fetch: fakeFetch, rooms: { deleteRoom: async (name: string) => void deleted.push(name) } });
const enc = encodeURIComponent;
const asAgent = async (room: string, method: 'get' | 'post', path: string, body?: unknown) => {
  const r = request(app())[method](`/api/calls/${enc(room)}${path}`).set('authorization', await agentAuth(room));
  return body === undefined ? r : r.send(body as object);
};
const ask = (room: string, extra: Record<string, unknown> = {}) => asAgent(room, 'post', '/handoff', { kind: 'warm', reason: 'wants a refund', summary: 'You asked for a refund.', atMs: Date.now(), ...extra });

let n = 0;
/** A web call, verified as Ada by a signed identity when `verified`. */
async function webCall(verified: boolean): Promise<string> {
  const agent = (await findAgent(database.db, 'acme'))!;
  const room = `web_handoff_${++n}`;
  await openCall(database.db, { room, identity: `caller_${n}`, agent, channel: 'web', origin: null, ipHash: `ip_${n}`, tokenTtlS: 600, ...(verified ? { verified: { customerId: 'C-1815', name: 'Ada Lovelace' } } : {}) });
  return room;
}
/** A phone call from `number`, opened the way the agent opens it. */
async function phoneCall(number: string): Promise<string> {
  const room = `phone-_${number}_${++n}`;
  const res = await asAgent(room, 'post', '/phone', { agent: 'acme', callerIdentity: `sip_${number}`, callerNumber: number });
  expect(res.status).toBe(200);
  return room;
}
const lines = (texts: [string, string][], from = 0) => ({ lines: texts.map(([speaker, text], i) => ({ seq: from + i, speaker, text, atMs: 1_800_000_000_000 + (from + i) * 1000 })) });

describe('the live transcript', () => {
  it('stores each seq once, in order, and tells the next seq (a resumed worker starts there)', async () => {
    const room = await webCall(false);
    expect((await asAgent(room, 'post', '/live', lines([['agent', 'Hi.'], ['caller', 'Hello.']]))).body).toEqual({ nextSeq: 2 });
    // A retried batch (same seqs) and the next line: stored once each.
    const again = await asAgent(room, 'post', '/live', lines([['caller', 'Hello.'], ['agent', 'How can I help?']], 1));
    expect(again.body).toEqual({ nextSeq: 3 });
    expect((await asAgent(room, 'post', '/live', { lines: [{ seq: -1, speaker: 'agent', text: 'x', atMs: 1 }] })).status).toBe(400);
    const live = await asAgent(room, 'get', '/live');
    expect(live.body).toMatchObject({ nextSeq: 3, ended: false });
    expect(live.body.lines.map((l: { seq: number; text: string }) => `${l.seq}:${l.text}`)).toEqual(['0:Hi.', '1:Hello.', '2:How can I help?']);
    // PII is redacted before storage, live too.
    await asAgent(room, 'post', '/live', lines([['caller', 'mail me at ada@example.com']], 3));
    expect((await asAgent(room, 'get', '/live')).body.lines[3].text).not.toContain('ada@example.com');
    // The final record (numbered) lands on the same rows: nothing doubled, a person's line kept.
    const record = {
      outcome: 'transferred',
      endedAtMs: Date.now(),
      transcript: [...lines([['agent', 'Hi.'], ['caller', 'Hello.'], ['agent', 'How can I help?'], ['caller', 'mail me'], ['person', 'Hi, this is Sam.']]).lines],
      bargeIns: [],
    };
    expect((await asAgent(room, 'post', '/record', record)).status).toBe(204);
    const after = await asAgent(room, 'get', '/live');
    expect(after.body.lines.map((l: { speaker: string }) => l.speaker)).toEqual(['agent', 'caller', 'agent', 'caller', 'person']);
    expect(after.body.ended).toBe(true);
    expect((await asAgent(room, 'post', '/live', lines([['agent', 'late']], 5))).status).toBe(409);
  });
});

describe('warm hand-offs', () => {
  it('with nobody online, the request becomes a callback case at once, with the package and the caller’s number', async () => {
    const room = await phoneCall('+15550123');
    await asAgent(room, 'post', '/live', lines([['agent', 'Hi, I am an AI assistant.'], ['caller', 'I want to talk to a person about my refund.']]));
    const res = await ask(room, { via: 'keypad' });
    expect(res.status).toBe(200);
    const state = HandoffState.parse(res.body);
    expect(state).toMatchObject({ status: 'callback', online: 0, callback: { contact: 'phone' } });
    const [c] = await database.db.select().from(cases).where(eq(cases.id, state.callback!.caseId));
    expect(c).toMatchObject({ category: 'callback', contact: '+15550123' });
    expect(c!.summary).toMatch(/An unverified caller on \+15550123 .* asked for a person by pressing 0: wants a refund\. .*Their last words: “I want to talk to a person about my refund\.”/);
  });

  it('queued while someone is online: position, the package in the console, one winner takes it with a token for this room only', async () => {
    await touchPresence(database.db, sam.id, 'Sam');
    const room = await webCall(true);
    await asAgent(room, 'post', '/audit', {
      events: [{ tool: 'get_order_status', args: '{"order_id":"1042"}', decision: 'allowed', result: '{"say":"Order 1 0 4 2 is shipped, arrives Friday."}', atMs: Date.now() }],
    });
    await asAgent(room, 'post', '/live', lines([['agent', 'Hi Ada.'], ['caller', 'Where is order 1042?'], ['agent', 'Order 1 0 4 2 is shipped.'], ['caller', 'Can I talk to someone?']]));
    const first = HandoffState.parse((await ask(room)).body);
    expect(first).toMatchObject({ status: 'waiting', position: 1, online: 1, person: null, waitLimitS: 90 });
    expect(HandoffState.parse((await ask(room)).body).id).toBe(first.id); // asked again: the same request
    const other = await webCall(false);
    expect(HandoffState.parse((await ask(other)).body).position).toBe(2);

    const queue = QueueSnapshot.parse((await request(app()).get('/api/console/queue').set('authorization', `Bearer ${sam.key}`)).body);
    expect(queue.waiting.map((e) => e.id)).toEqual([first.id, expect.any(Number)]);
    const pkg = queue.waiting[0]!.package;
    expect(pkg.caller).toMatchObject({ verified: true, method: 'signed_identity', name: 'Ada Lovelace' });
    expect(pkg.summary).toMatch(/^Ada Lovelace \(signed in on the website\) is calling on the website and asked for a person: wants a refund\. The agent looked up order 1042 \(shipped, arrives Friday\)\. Their last words: “Can I talk to someone\?”$/);
    expect(pkg.collected).toEqual({ order_id: '1042' });
    expect(pkg.job).toBe('get_order_status');
    expect(pkg.transcript).toHaveLength(4);
    expect(queue.waiting[1]!.package.caller.name).toBeNull(); // the unverified caller is not named

    const take = await request(app()).post(`/api/console/handoffs/${first.id}/take`).set('authorization', `Bearer ${sam.key}`);
    expect(take.status).toBe(200);
    const taken = TakeResponse.parse(take.body);
    expect(taken).toMatchObject({ room, name: 'Sam', handoff: first.id, url: 'ws://127.0.0.1:7880' });
    expect(taken.package.summary).toBe(pkg.summary);
    const claims = await new TokenVerifier(TEST_API_KEY, TEST_API_SECRET).verify(taken.token);
    expect(claims.video).toMatchObject({ room, roomJoin: true, canPublish: true, canPublishSources: ['microphone'], canPublishData: false, canUpdateOwnMetadata: false });
    expect(claims.attributes).toEqual({ 'voice.role': 'person', 'voice.handoff': String(first.id) });
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(120);
    expect(claims.sub).toBe(taken.identity);
    // One winner: Kim is too late.
    const late = await request(app()).post(`/api/console/handoffs/${first.id}/take`).set('authorization', `Bearer ${kim.key}`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('not_waiting');
    // The other caller moved up.
    expect(HandoffState.parse((await asAgent(other, 'get', '/handoff')).body).position).toBe(1);

    // What the agent sees; the wait limit passing now changes nothing.
    const state = HandoffState.parse((await asAgent(room, 'get', '/handoff')).body);
    expect(state).toMatchObject({ status: 'taken', person: { identity: taken.identity, name: 'Sam' } });
    expect(HandoffState.parse((await asAgent(room, 'post', `/handoff/${first.id}/expire`)).body).status).toBe('taken');
    // The room: the agent handed over, the person was heard (room, then the caller's page).
    const t0 = state.waitedS; // (unused clock read keeps the reply's shape honest)
    expect(t0).toBeGreaterThanOrEqual(0);
    const requestAt = (await database.db.query.handoffs.findFirst({ where: (h, { eq: e }) => e(h.id, first.id) }))!.requestAtMs;
    for (const ev of [
      { type: 'connected', atMs: requestAt + 4_000 },
      { type: 'person_audio', atMs: requestAt + 5_000, source: 'room' },
      { type: 'person_audio', atMs: requestAt + 4_800, source: 'caller_page' },
      { type: 'person_audio', atMs: requestAt + 9_000, source: 'room' }, // later, from the room: ignored
    ]) {
      expect((await asAgent(room, 'post', `/handoff/${first.id}/events`, ev)).status).toBe(204);
    }
    expect(HandoffState.parse((await asAgent(room, 'get', '/handoff')).body).status).toBe('connected');
    const metrics = HandoffMetrics.parse((await request(app()).get('/api/admin/stats/handoffs').set('authorization', admin)).body);
    expect(metrics.taken).toBe(1);
    expect(metrics.timeToPersonMs).toMatchObject({ count: 1, p50: 4_800 });
    expect(metrics.packageBeforeSpeech).toEqual({ delivered: 1, of: 1, share: 1 });
    expect(metrics.callbacks).toBeGreaterThanOrEqual(1);

    // Only the person who took it (or an admin) ends the call.
    expect((await request(app()).post(`/api/console/calls/${enc(room)}/hangup`).set('authorization', `Bearer ${kim.key}`)).status).toBe(403);
    expect((await request(app()).post(`/api/console/calls/${enc(room)}/hangup`).set('authorization', `Bearer ${sam.key}`)).status).toBe(204);
    expect(deleted).toContain(room);

    // Leaving the second caller waiting: the end of its call cancels it.
    await asAgent(other, 'post', '/record', { outcome: 'abandoned', endedAtMs: Date.now(), transcript: [], bargeIns: [] });
    expect(HandoffState.parse((await asAgent(other, 'get', '/handoff')).body).status).toBe('cancelled');
    await dropPresence(database.db, sam.id);
  });

  it('the caller’s page’s first-heard time wins over the room’s, even when both arrive at once', async () => {
    await touchPresence(database.db, kim.id, 'Kim');
    for (let i = 0; i < 3; i++) {
      const room = await webCall(false);
      const s = HandoffState.parse((await ask(room)).body);
      await request(app()).post(`/api/console/handoffs/${s.id}/take`).set('authorization', `Bearer ${kim.key}`);
      await Promise.all([
        asAgent(room, 'post', `/handoff/${s.id}/events`, { type: 'person_audio', atMs: 2_000, source: 'room' }),
        asAgent(room, 'post', `/handoff/${s.id}/events`, { type: 'person_audio', atMs: 2_100, source: 'caller_page' }),
      ]);
      const row = (await database.db.query.handoffs.findFirst({ where: (h, { eq: e }) => e(h.id, s.id) }))!;
      expect(row).toMatchObject({ personAudioAtMs: 2_100, personAudioSource: 'caller_page' });
      await asAgent(room, 'post', '/record', { outcome: 'transferred', endedAtMs: Date.now(), transcript: [], bargeIns: [] });
    }
    await dropPresence(database.db, kim.id);
  });

  it('a taken request whose person never joins goes back to the queue, in its old place', async () => {
    await touchPresence(database.db, kim.id, 'Kim');
    const first = await webCall(false);
    const second = await webCall(false);
    const a = HandoffState.parse((await ask(first)).body);
    const b = HandoffState.parse((await ask(second)).body);
    expect((await request(app()).post(`/api/console/handoffs/${a.id}/take`).set('authorization', `Bearer ${kim.key}`)).status).toBe(200);
    expect(HandoffState.parse((await asAgent(second, 'get', '/handoff')).body).position).toBe(1);
    const released = HandoffState.parse((await asAgent(first, 'post', `/handoff/${a.id}/release`)).body);
    expect(released).toMatchObject({ status: 'waiting', position: 1, person: null });
    expect(HandoffState.parse((await asAgent(second, 'get', '/handoff')).body)).toMatchObject({ id: b.id, position: 2 });
    // Releasing what is not taken changes nothing.
    expect(HandoffState.parse((await asAgent(second, 'post', `/handoff/${b.id}/release`)).body).status).toBe('waiting');
    for (const room of [first, second]) await asAgent(room, 'post', '/record', { outcome: 'abandoned', endedAtMs: Date.now(), transcript: [], bargeIns: [] });
    await dropPresence(database.db, kim.id);
  });

  it('the wait limit passes: a callback case, reached by the web caller’s e-mail', async () => {
    await touchPresence(database.db, kim.id, 'Kim');
    const room = await webCall(true);
    const state = HandoffState.parse((await ask(room)).body);
    expect(state.status).toBe('waiting');
    const expired = HandoffState.parse((await asAgent(room, 'post', `/handoff/${state.id}/expire`)).body);
    expect(expired).toMatchObject({ status: 'callback', callback: { contact: 'email' } });
    const [c] = await database.db.select().from(cases).where(eq(cases.id, expired.callback!.caseId));
    expect(c).toMatchObject({ contact: 'ada@example.com', customerId: 'C-1815' });
    expect(c!.summary).toMatch(/nobody was free after \d+ s\. Ada Lovelace/);
    // No second case: expiring again changes nothing.
    expect(HandoffState.parse((await asAgent(room, 'post', `/handoff/${state.id}/expire`)).body).callback!.caseId).toBe(c!.id);
    // An unverified web visitor: no way to call them back, and the state says so.
    const anon = await webCall(false);
    const s2 = HandoffState.parse((await ask(anon)).body);
    expect(HandoffState.parse((await asAgent(anon, 'post', `/handoff/${s2.id}/expire`)).body).callback).toMatchObject({ contact: 'none' });
    await dropPresence(database.db, kim.id);
  });

  it('streams the queue to an open console (SSE), which counts its person as online', async () => {
    const server = app().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const abort = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/console/queue/events`, { headers: { authorization: `Bearer ${sam.key}` }, signal: abort.signal });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      let buffer = '';
      const nextQueue = async (until: (s: QueueSnapshot) => boolean): Promise<QueueSnapshot> => {
        for (;;) {
          const events = buffer.split('\n\n');
          buffer = events.pop()!;
          for (const e of events) {
            const data = /^event: queue\ndata: (.*)$/m.exec(e);
            if (data) {
              const snap = QueueSnapshot.parse(JSON.parse(data[1]!));
              if (until(snap)) return snap;
            }
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          buffer += new TextDecoder().decode(value);
        }
      };
      await nextQueue((s) => s.online === 1);
      const room = await webCall(false);
      const state = HandoffState.parse((await ask(room)).body);
      expect(state).toMatchObject({ status: 'waiting', online: 1 });
      const snap = await nextQueue((s) => s.waiting.some((e) => e.id === state.id));
      expect(snap.waiting.find((e) => e.id === state.id)!.package.reason).toBe('wants a refund');
    } finally {
      abort.abort();
      server.close();
    }
    await expect.poll(async () => HandoffState.parse((await ask(await webCall(false))).body).online, { timeout: 5_000 }).toBe(0);
  });
});

describe('cold transfers', () => {
  it('post the signed package to the endpoint before replying; the console lists it under the caller’s number', async () => {
    const current = (await request(app()).get('/api/admin/agents/acme').set('authorization', admin)).body.config;
    const withEndpoint = { ...current, handoff: { waitLimitS: 90, packageEndpoint: { url: 'http://127.0.0.1:9/handoffs', timeoutMs: 1000 } } };
    expect((await request(app()).put('/api/admin/agents/acme').set('authorization', admin).send({ config: withEndpoint })).status).toBe(200);
    const room = await phoneCall('+15550177');
    await asAgent(room, 'post', '/live', lines([['caller', 'Please put me through to billing.']]));
    posted.length = 0;
    const before = Date.now();
    const res = await asAgent(room, 'post', '/handoff', { kind: 'cold', reason: 'billing question', summary: '', transferTo: 'tel:+15550199', atMs: Date.now() });
    const repliedAt = Date.now();
    expect(res.status).toBe(200);
    expect(HandoffState.parse(res.body)).toMatchObject({ kind: 'cold', status: 'transferred', packageDelivered: true });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.atMs).toBeGreaterThanOrEqual(before);
    expect(posted[0]!.atMs).toBeLessThanOrEqual(repliedAt);
    const secret = await agentSecret(database.db, (await findAgent(database.db, 'acme'))!.id);
    expect(verifyPayload(secret, posted[0]!.signature ?? undefined, posted[0]!.body)).toBeNull();
    const payload = ColdTransferPayload.parse(JSON.parse(posted[0]!.body));
    expect(payload).toMatchObject({ transferTo: 'tel:+15550199', package: { caller: { number: '+15550177', verified: false }, reason: 'billing question' } });
    expect(payload.package.summary).toMatch(/Their last words: “Please put me through to billing\.”/);

    const queue = QueueSnapshot.parse((await request(app()).get('/api/console/queue').set('authorization', `Bearer ${sam.key}`)).body);
    expect(queue.transfers[0]).toMatchObject({ transferTo: 'tel:+15550199', endpointDelivered: true, package: { caller: { number: '+15550177' } } });

    // The endpoint fails: the caller is still transferred, and the record says the package did not arrive.
    endpointStatus = 500;
    const room2 = await phoneCall('+15550178');
    const failed = await asAgent(room2, 'post', '/handoff', { kind: 'cold', reason: 'billing', transferTo: 'tel:+15550199', atMs: Date.now() });
    expect(HandoffState.parse(failed.body)).toMatchObject({ status: 'transferred', packageDelivered: false });
    expect(posted).toHaveLength(3); // one retry
    endpointStatus = 200;
    expect((await asAgent(room2, 'post', '/handoff', { kind: 'cold', reason: 'x', atMs: 1 })).status).toBe(400); // no target
    expect((await request(app()).put('/api/admin/agents/acme').set('authorization', admin).send({ config: current })).status).toBe(200);
  });
});

describe('who may do what', () => {
  it('an agent key takes calls but cannot configure; a caller’s token cannot read the queue', async () => {
    const sk = `Bearer ${sam.key}`;
    for (const [method, path] of [['get', '/api/admin/agents'], ['put', '/api/admin/agents/acme'], ['post', '/api/admin/keys'], ['get', '/api/admin/calls']] as const) {
      const res = await request(app())[method](path).set('authorization', sk).send({});
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('role_forbidden');
    }
    expect((await request(app()).get('/api/console/queue').set('authorization', sk)).status).toBe(200);
    expect((await request(app()).get('/api/console/queue').set('authorization', admin)).status).toBe(200);
    expect((await request(app()).get('/api/console/queue')).status).toBe(401);
    const room = await webCall(false);
    const caller = new AccessToken(TEST_API_KEY, TEST_API_SECRET, { identity: 'caller_x', ttl: 600 });
    caller.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
    const callerToken = `Bearer ${await caller.toJwt()}`;
    expect((await request(app()).get('/api/console/queue').set('authorization', callerToken)).status).toBe(403);
    expect((await request(app()).get('/api/console/queue/events').set('authorization', callerToken)).status).toBe(403);
    expect((await request(app()).post('/api/console/handoffs/1/take').set('authorization', callerToken)).status).toBe(403);
    expect((await request(app()).get('/api/console/queue').set('authorization', await agentAuth(room))).status).toBe(403);

    // Admins make agent keys through the API; the new key signs in to the console only.
    const made = await request(app()).post('/api/admin/keys').set('authorization', admin).send({ name: 'Lee', role: 'agent' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ role: 'agent', key: expect.stringMatching(/^vwk_/) });
    expect((await request(app()).get('/api/admin/keys').set('authorization', admin)).body.keys).toContainEqual(expect.objectContaining({ name: 'Lee', role: 'agent' }));
    const login = await request(app()).post('/dashboard/login').type('form').send({ key: made.body.key, next: '/dashboard/calls' });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/dashboard/console');
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await request(app()).get('/dashboard/calls').set('cookie', cookie)).headers.location).toBe('/dashboard/console');
    const page = await request(app()).get('/dashboard/console').set('cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-name="Lee"');
    expect(page.text).not.toContain('href="/dashboard/calls"'); // no admin pages in an agent's navigation
    expect(page.headers['content-security-policy']).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:7880 http:\/\/127\.0\.0\.1:7880/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect((await request(app()).get('/api/console/queue').set('cookie', cookie)).status).toBe(200);
    // A cross-site POST with the cookie is refused.
    expect((await request(app()).post('/api/console/handoffs/1/take').set('cookie', cookie).set('origin', 'https://evil.example')).status).toBe(403);
  });
});
