import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, WebhookEvent } from 'livekit-server-sdk';
import { pino } from 'pino';
import { type RunningPostgres, startPostgres } from '@voice-widget/stack';
import { type AppDeps, createApp } from '../src/app.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import type { SessionDeps } from '../src/sessions.ts';

export const apiKey = 'APItestkey';
export const apiSecret = 'a-test-secret-that-is-at-least-32-characters-long';
export const silent = pino({ level: 'silent' });

/** Both databases the server supports; every API test runs on each. */
export const DB_KINDS = ['pglite', 'postgres'] as const;
export type DbKind = (typeof DB_KINDS)[number];

/**
 * A database that can be closed and opened again on the same data (a server restart):
 * PGlite in a temporary folder, or a throwaway PostgreSQL cluster.
 */
export async function persistentDb(kind: DbKind) {
  let pg: RunningPostgres | undefined;
  let dir: string | undefined;
  if (kind === 'postgres') pg = await startPostgres();
  else dir = mkdtempSync(join(tmpdir(), 'vw-pglite-'));
  const open = (): Promise<Database> => openDatabase(pg ? { url: pg.url, poolSize: 5 } : { pgliteDir: dir });
  return {
    open,
    async stop() {
      await pg?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A room service that records what it was asked; `fail` makes createRoom throw. `present` lists
 * the identities `listParticipants` reports in every room (default none).
 */
export function fakeRooms(opts: { fail?: boolean; present?: string[] } = {}) {
  const created: string[] = [];
  const deleted: string[] = [];
  const metadata = new Map<string, string>();
  const rooms = {
    async createRoom(o: { name?: string }) {
      if (opts.fail) throw new Error('connect ECONNREFUSED');
      created.push(o.name!);
      return {} as never;
    },
    async deleteRoom(name: string) {
      deleted.push(name);
    },
    async updateRoomMetadata(name: string, value: string) {
      metadata.set(name, value);
      return {} as never;
    },
    async listParticipants(_room: string) {
      return (opts.present ?? []).map((identity) => ({ identity })) as never;
    },
  };
  return { rooms, created, deleted, metadata };
}

export const sessionDeps = (rooms: SessionDeps['rooms']): SessionDeps => ({
  rooms,
  apiKey,
  apiSecret,
  publicUrl: 'ws://127.0.0.1:7880',
  agentName: 'voice-agent',
  tokenTtlS: 600,
});

/** The app on `db` with generous rate limits unless given. */
export function makeApp(db: Database, rooms: SessionDeps['rooms'], extra: Partial<AppDeps> = {}) {
  return createApp({
    db: db.db,
    log: silent,
    allowedOrigins: ['*'],
    sessions: sessionDeps(rooms),
    demoBaseUrl: 'http://127.0.0.1:5173',
    limits: { sessionsPerMinute: 10_000, turnsPerMinute: 10_000, publicPerMinute: 10_000, adminPerMinute: 10_000 },
    ...extra,
  });
}

/** The token the agent worker mints for itself: video grant `{ room, agent: true }`. */
export async function agentToken(room: string, secret = apiSecret): Promise<string> {
  const at = new AccessToken(apiKey, secret, { identity: 'agent-worker', ttl: 300 });
  at.addGrant({ room, agent: true, roomJoin: false });
  return at.toJwt();
}

/** A LiveKit webhook as livekit-server sends it: JSON body and a JWT carrying the body's SHA-256. */
export async function signedWebhook(event: Partial<WebhookEvent>, secret = apiSecret) {
  const ev = new WebhookEvent({ id: `EV_${Math.random().toString(36).slice(2)}`, createdAt: BigInt(Math.floor(Date.now() / 1000)), ...event } as never);
  ev.event = event.event ?? ''; // the SDK's subclass field initialiser resets `event` after the constructor
  const body = ev.toJsonString();
  const at = new AccessToken(apiKey, secret);
  at.sha256 = createHash('sha256').update(body).digest('base64');
  return { body, auth: await at.toJwt() };
}

/** A valid agent configuration with a unique name. */
export const agentConfig = (over: Record<string, unknown> = {}) => ({
  name: 'Test assistant',
  description: 'Answers test questions.',
  instructions: 'Be brief.',
  greeting: "Hi, I'm an AI assistant. How can I help?",
  ...over,
});

/** Rows of a raw SQL query on either driver (both answer `{ rows }`). */
export async function queryRows(db: Database, query: SQL): Promise<Record<string, unknown>[]> {
  return ((await db.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}
