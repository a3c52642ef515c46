/**
 * Contract between the agent worker and the server, with the worker's real client code
 * (agent-worker/src/agent-config.ts, call-record.ts) against the real app over HTTP on loopback.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAgentConfig, type ServerLink } from '../../agent-worker/src/agent-config.ts';
import { CallRecorder, uploadCallRecord } from '../../agent-worker/src/call-record.ts';
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
    const got = await fetchAgentConfig(link, session.room);
    if (!('config' in got)) throw new Error(got.error);
    expect(got.config).toMatchObject({ agent: 'acme', version: 1 });
    expect(got.config.config.greeting).toMatch(/AI assistant for Acme/);

    const rec = new CallRecorder();
    rec.handleItem({ role: 'assistant', textContent: got.config.config.greeting, createdAt: Date.now() });
    rec.handleItem({ role: 'user', textContent: 'call me on 415 555 0132', createdAt: Date.now() + 1000 });
    rec.handleItem({ role: 'assistant', textContent: 'Sure.', createdAt: Date.now() + 2000 });
    expect(await uploadCallRecord(link, session.room, rec.build(Date.now() + 3000))).toBe(true);
    const detail = await callDetail(database.db, session.room);
    expect(detail?.call.outcome).toBe('completed');
    expect(detail?.transcript.map((t) => t.text)).toContain('call me on [phone]');
  });

  it('a worker with the wrong secret is refused and falls back without throwing', async () => {
    const session = (await request(app).post('/api/sessions').send({ agent: 'acme' })).body;
    const bad = { ...link, apiSecret: 'not-the-secret-but-at-least-32-characters-long' };
    expect(await fetchAgentConfig(bad, session.room)).toEqual({ error: 'server answered 401' });
    expect(await uploadCallRecord(bad, session.room, new CallRecorder().build(Date.now()))).toBe(false);
    const down = { ...link, serverUrl: 'http://127.0.0.1:9' };
    expect(await fetchAgentConfig(down, session.room, 500)).toHaveProperty('error');
  });
});
