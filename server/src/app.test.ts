import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import request from 'supertest';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSessionResponse } from '@voice-widget/protocol';
import { createApp } from './app.ts';
import { ensureAgent } from './bootstrap.ts';
import { type Database, openDatabase } from './db/client.ts';
import type { SessionDeps } from './sessions.ts';

const apiKey = 'APItestkey';
const apiSecret = 'a-test-secret-that-is-at-least-32-characters-long';

/** A room service that records calls; `fail` makes it throw like an unreachable LiveKit. */
function roomsRecorder(fail = false) {
  const calls: unknown[] = [];
  const rooms: SessionDeps['rooms'] = {
    async createRoom(opts) {
      calls.push(opts);
      if (fail) throw new Error('connect ECONNREFUSED');
      return {} as never;
    },
  };
  return { rooms, calls };
}

let database: Database;
beforeAll(async () => {
  database = await openDatabase({}); // PGlite in memory
  await ensureAgent(database.db, 'acme');
});
afterAll(() => database?.close());

function app(rooms: SessionDeps['rooms'], allowedOrigins = ['*'], widgetDist?: string) {
  return createApp({
    db: database.db,
    log: pino({ level: 'silent' }),
    allowedOrigins,
    widgetDist,
    sessions: { rooms, apiKey, apiSecret, publicUrl: 'ws://127.0.0.1:7880', agentName: 'voice-agent', tokenTtlS: 600 },
  });
}

describe('POST /api/sessions validation', () => {
  it.each([
    [{}, /agent/],
    [{ agent: '' }, /agent/],
    [{ agent: 'Not A Slug!' }, /lowercase slug/],
    [{ agent: 'acme', language: 'english please' }, /BCP 47/],
    [{ agent: 'acme', extra: 1 }, /extra|Unrecognized/i],
    [{ agent: 'a'.repeat(65) }, /agent/],
  ])('rejects %j with 400 and a message naming the field', async (body, message) => {
    const { rooms, calls } = roomsRecorder();
    const res = await request(app(rooms)).post('/api/sessions').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
    expect(calls).toHaveLength(0); // nothing created for a bad request
  });

  it('rejects malformed JSON with 400, and a body over 16 KiB with 413', async () => {
    const { rooms } = roomsRecorder();
    const bad = await request(app(rooms)).post('/api/sessions').set('Content-Type', 'application/json').send('{"agent":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
    const big = await request(app(rooms)).post('/api/sessions').send({ agent: 'acme', name: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });

  it('answers 502 with a retryable message when LiveKit is unreachable', async () => {
    const { rooms } = roomsRecorder(true);
    const res = await request(app(rooms)).post('/api/sessions').send({ agent: 'acme' });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/try again/);
  });
});

describe('POST /api/sessions tokens', () => {
  it('creates the room with explicit agent dispatch and a least-privilege token', async () => {
    const { rooms, calls } = roomsRecorder();
    const before = Math.floor(Date.now() / 1000);
    const res = await request(app(rooms)).post('/api/sessions').send({ agent: 'acme', name: 'Ada' });
    expect(res.status).toBe(201);
    const session = CreateSessionResponse.parse(res.body);
    expect(JSON.stringify(res.body)).not.toContain(apiSecret);

    const created = calls[0] as { name: string; agents: { agentName: string; metadata: string }[] };
    expect(created.name).toBe(session.room);
    expect(created.agents[0]?.agentName).toBe('voice-agent');
    expect(JSON.parse(created.agents[0]!.metadata)).toEqual({ agent: 'acme', channel: 'web', callerName: 'Ada', agentVersion: 1, joinBy: session.joinBy });

    const claims = await new TokenVerifier(apiKey, apiSecret).verify(session.token);
    expect(claims.sub).toBe(session.identity);
    expect(claims.exp! - before).toBeLessThanOrEqual(600 + 1);
    expect(claims.video).toEqual({
      room: session.room,
      roomJoin: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    // Nothing beyond the one room.
    for (const grant of ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'ingressAdmin', 'agent']) {
      expect(claims.video).not.toHaveProperty(grant);
    }
    expect(claims.sip).toBeUndefined();
  });

  it('gives each session its own room and identity', async () => {
    const { rooms } = roomsRecorder();
    const a = await request(app(rooms)).post('/api/sessions').send({ agent: 'acme' });
    const b = await request(app(rooms)).post('/api/sessions').send({ agent: 'acme' });
    expect(a.body.room).not.toBe(b.body.room);
    expect(a.body.identity).not.toBe(b.body.identity);
  });
});

describe('CORS', () => {
  it('allows listed origins and refuses others at preflight', async () => {
    const { rooms } = roomsRecorder();
    const server = app(rooms, ['https://shop.example']);
    const ok = await request(server).options('/api/sessions').set('Origin', 'https://shop.example');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example');
    const denied = await request(server).options('/api/sessions').set('Origin', 'https://evil.example');
    expect(denied.status).toBe(403);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('GET /healthz', () => {
  it('answers ok', async () => {
    const res = await request(app(roomsRecorder().rooms)).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});

describe('malformed percent-escapes are a client error (400), not a 500', () => {
  it('in a widget asset path, the dashboard cookie and a path parameter', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'widget-dist-'));
    writeFileSync(join(dist, 'widget.mjs'), 'export {};');
    try {
      const a = app(roomsRecorder().rooms, ['*'], dist);
      const asset = await request(a).get('/widget%E0%A4%A.mjs').set('Accept-Encoding', 'gzip');
      expect(asset.status).toBe(400);
      const cookie = await request(a).get('/dashboard').set('Cookie', 'vw_admin=%E0%A4%A');
      expect(cookie.status).toBe(400);
      expect(cookie.body.error.code).toBe('invalid_cookie');
      const param = await request(a).post('/api/sessions/%E0%A4%A/turns').send({});
      expect(param.status).toBe(400);
      expect((await request(a).get('/widget.mjs')).status).toBe(200); // good paths still work
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
