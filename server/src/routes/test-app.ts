import { AccessToken } from 'livekit-server-sdk';
import { pino } from 'pino';
import { type AppDeps, createApp } from '../app.ts';
import type { Db } from '../db/client.ts';

/** LiveKit credentials of the route tests (no LiveKit runs: the room service is a no-op). */
export const TEST_API_KEY = 'APItestkey';
export const TEST_API_SECRET = 'a-test-secret-that-is-at-least-32-characters-long';

/** The app on `db`, quiet, any origin, a room service that creates nothing (and `extra` deps). For route tests. */
export const testApp = (db: Db, extra: Partial<AppDeps> = {}) =>
  createApp({
    db,
    log: pino({ level: 'silent' }),
    allowedOrigins: ['*'],
    sessions: { rooms: { createRoom: async () => ({}) as never }, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, publicUrl: 'ws://127.0.0.1:7880', agentName: 'voice-agent', tokenTtlS: 600 },
    ...extra,
  });

/** `Bearer <agent token for room>`: what the agent worker sends (grant `{ room, agent: true }`). */
export async function agentAuth(room: string): Promise<string> {
  const at = new AccessToken(TEST_API_KEY, TEST_API_SECRET, { identity: 'agent-worker', ttl: 60 });
  at.addGrant({ room, agent: true, roomJoin: false });
  return `Bearer ${await at.toJwt()}`;
}
