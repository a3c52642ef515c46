/**
 * Bounded load test on loopback: autocannon against `POST /api/sessions` with a real
 * livekit-server (rooms really created). Shows that
 * 1. the per-IP rate limit holds exactly under concurrent load (201 up to the limit, then 429),
 * 2. nothing answers 5xx, nothing times out,
 * 3. no record is lost: every 201 has its call row and its LiveKit room.
 * Numbers go to test-artifacts/load/sessions.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { count } from 'drizzle-orm';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  type RunningLiveKit,
  freeTcpPort,
  freeTcpUdpPort,
  loadOrCreateKeys,
  resolveLiveKitBinaries,
  startLiveKitServer,
} from '@voice-widget/stack';
import { createApp } from '../src/app.ts';
import { defaultAgentConfig } from '../src/bootstrap.ts';
import { createAgent } from '../src/repo/agents.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { calls } from '../src/db/schema.ts';
import { silent } from './helpers.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'load');
const dir = mkdtempSync(join(tmpdir(), 'vw-load-'));
let livekit: RunningLiveKit;
let database: Database;
let roomsClient: RoomServiceClient;
const results: Record<string, unknown> = {};

beforeAll(async () => {
  const keys = loadOrCreateKeys(dir);
  livekit = await startLiveKitServer({
    binary: resolveLiveKitBinaries().server,
    keys,
    port: await freeTcpPort(),
    rtcTcpPort: await freeTcpPort(),
    rtcUdpPort: await freeTcpUdpPort(),
    dir: join(dir, 'livekit'),
    name: 'livekit-load',
  });
  roomsClient = new RoomServiceClient(livekit.httpUrl, keys.apiKey, keys.apiSecret);
  database = await openDatabase({});
  // The agent's own budgets (concurrency, calls per IP per hour) are lifted: this test is about the
  // request rate limit and about no record being lost under load (budgets: budgets.test.ts).
  const limits = { maxCallSeconds: 600, maxConcurrentCalls: 10_000, minutesPerDay: 1_000_000, newCallsPerIpPerHour: 100_000 };
  await createAgent(database.db, 'acme', { ...defaultAgentConfig('Acme'), limits });
  /** Starts the app on a free port with a sessions rate limit. */
  serve = async (sessionsPerMinute: number) => {
    const app = createApp({
      db: database.db,
      log: silent,
      allowedOrigins: ['*'],
      limits: { sessionsPerMinute },
      sessions: { rooms: roomsClient, apiKey: keys.apiKey, apiSecret: keys.apiSecret, publicUrl: livekit.url, agentName: 'load-test-agent', tokenTtlS: 60 },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    return server;
  };
});

afterAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'sessions.json'), JSON.stringify(results, null, 2));
  await database?.close();
  await livekit?.service.stop();
  rmSync(dir, { recursive: true, force: true });
});

let serve: (sessionsPerMinute: number) => Promise<Server>;

/**
 * Runs autocannon against `POST /api/sessions` for `limit.durationS` seconds or `limit.amount`
 * requests (every one answered); counts replies by status.
 */
async function hammer(server: Server, limit: { durationS: number } | { amount: number }, connections: number) {
  const statuses: Record<number, number> = {};
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sessions`;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
    body: JSON.stringify({ agent: 'acme' }),
    connections,
    ...('amount' in limit ? { amount: limit.amount } : { duration: limit.durationS }),
    timeout: 10,
    setupClient: (client) => client.on('response', (status: number) => void (statuses[status] = (statuses[status] ?? 0) + 1)),
  });
  return { result, statuses };
}

const callRows = async () => (await database.db.select({ n: count() }).from(calls))[0]!.n;

describe('POST /api/sessions under load', () => {
  it('holds the per-IP rate limit exactly, with no 5xx and no lost record', async () => {
    const server = await serve(25);
    const before = await callRows();
    const { result, statuses } = await hammer(server, { durationS: 3 }, 10);
    await new Promise((r) => server.close(r));
    results.rateLimited = {
      limitPerMinute: 25,
      durationS: 3,
      connections: 10,
      requests: result.requests.total,
      statuses,
      reqPerSec: result.requests.average,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    };
    console.log('rate-limited run', JSON.stringify(results.rateLimited));
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.requests.total).toBeGreaterThan(100); // the limit was really tested
    expect(Object.keys(statuses).sort()).toEqual(['201', '429']);
    expect(statuses[201]).toBe(25);
    expect((await callRows()) - before).toBe(25);
  });

  it('creates every accepted session’s room and record when the limit is high', async () => {
    const server = await serve(100_000);
    const before = await callRows();
    const roomsBefore = (await roomsClient.listRooms()).length;
    const t0 = Date.now();
    const { result, statuses } = await hammer(server, { amount: 200 }, 4);
    const seconds = (Date.now() - t0) / 1000;
    await new Promise((r) => server.close(r));
    const created = statuses[201] ?? 0;
    const rooms = (await roomsClient.listRooms()).length - roomsBefore;
    results.unlimited = {
      amount: 200,
      seconds,
      connections: 4,
      requests: result.requests.total,
      statuses,
      sessionsPerSec: created / seconds,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      callRows: (await callRows()) - before,
      livekitRooms: rooms,
    };
    console.log('unlimited run', JSON.stringify(results.unlimited));
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(created).toBe(200);
    expect((await callRows()) - before).toBe(created);
    expect(rooms).toBe(created);
  });
});
