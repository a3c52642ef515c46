/**
 * Contract between the agent worker and the server, with the worker's real client code
 * (`ServerClient`, `CallRecorder` from @voice-widget/agent-worker) against the real app over HTTP on loopback.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder, ServerClient, type ServerLink } from '@voice-widget/agent-worker';
import { ensureAgent } from '../src/bootstrap.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { callDetail } from '../src/repo/calls.ts';
import { apiKey, apiSecret, fakeRooms, makeApp } from './helpers.ts';

let database: Database;
let server: Server;
let link: ServerLink;
let app: ReturnType<typeof makeApp>;

beforeAll(async () => {
  database = await openDatabase({});
  await ensureAgent(database.db, 'acme');
  app = makeApp(database, fakeRooms().rooms);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  link = { serverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey, apiSecret };
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await database?.close();
});

describe('agent worker ↔ server', () => {
  it('fetches the pinned config at dispatch and uploads the call record at the end', async () => {
    const session = (await request(app).post('/api/sessions').send({ agent: 'acme' })).body;
    const client = new ServerClient(link, session.room);
    const got = await client.agentConfig();
    if (!got.ok) throw new Error(got.error);
    expect(got.value).toMatchObject({ agent: 'acme', version: 1 });
    expect(got.value.config.greeting).toMatch(/AI assistant for Acme/);

    const rec = new CallRecorder();
    rec.handleItem({ role: 'assistant', textContent: got.value.config.greeting, createdAt: Date.now() });
    rec.handleItem({ role: 'user', textContent: 'call me on 415 555 0132', createdAt: Date.now() + 1000 });
    rec.handleItem({ role: 'assistant', textContent: 'Sure.', createdAt: Date.now() + 2000 });
    expect(await client.uploadCallRecord(rec.build(Date.now() + 3000))).toEqual({ ok: true, value: null });
    const detail = await callDetail(database.db, session.room);
    expect(detail?.call.outcome).toBe('completed');
    expect(detail?.transcript.map((t) => t.text)).toContain('call me on [phone]');
  });

  it('a worker with the wrong secret is refused and falls back without throwing', async () => {
    const session = (await request(app).post('/api/sessions').send({ agent: 'acme' })).body;
    const bad = { ...link, apiSecret: 'not-the-secret-but-at-least-32-characters-long' };
    const refused = new ServerClient(bad, session.room);
    expect(await refused.agentConfig()).toEqual({ ok: false, error: 'server answered 401 to agent-config', status: 401, code: 'unauthorized' });
    expect(await refused.uploadCallRecord(new CallRecorder().build(Date.now()))).toMatchObject({ ok: false });
    const down = new ServerClient({ ...link, serverUrl: 'http://127.0.0.1:9' }, session.room);
    expect(await down.agentConfig(500)).toMatchObject({ ok: false, error: expect.stringContaining('agent-config') });
  });
});
