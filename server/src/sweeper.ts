import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { Db } from './db/client.ts';
import { closeCall, deleteOlderThan, overdueCalls, talkStart } from './repo/calls.ts';

export interface SweeperDeps {
  db: Db;
  rooms: Pick<RoomServiceClient, 'deleteRoom'>;
  log: Logger;
  /** Open calls without a limit are closed after this long (lost webhooks), seconds. */
  staleCallS: number;
  /** Calls and leads older than this many days are deleted; 0 keeps everything. */
  retentionDays: number;
}

/**
 * One pass of housekeeping, driven by the database so it survives restarts:
 * 1. calls past their time limit (demo-link budgets, counted from the caller joining): the room
 *    is deleted (LiveKit disconnects everyone) and the call closed with reason `max_call_length`;
 * 2. calls open for longer than `staleCallS`: closed as `stale`;
 * 3. retention: records older than `retentionDays` deleted.
 * Returns what it did.
 */
export async function sweepOnce(deps: SweeperDeps, now = new Date()): Promise<{ closed: number; deleted: number }> {
  let closed = 0;
  for (const call of await overdueCalls(deps.db, now, deps.staleCallS)) {
    const limitAt = call.maxDurationS === null ? null : talkStart(call).getTime() + call.maxDurationS * 1000;
    const overLimit = limitAt !== null && now.getTime() > limitAt;
    if (overLimit) {
      await deps.rooms.deleteRoom(call.room).catch((err: Error) => {
        deps.log.warn({ room: call.room, err: err.message }, 'deleting an overdue room failed (already gone?)');
      });
    }
    const endedAt = overLimit ? new Date(limitAt!) : now;
    if (await closeCall(deps.db, call.room, { endedAt, reason: overLimit ? 'max_call_length' : 'stale', defaultOutcome: call.joinedAt ? 'completed' : 'abandoned' })) {
      closed += 1;
      deps.log.info({ room: call.room, reason: overLimit ? 'max_call_length' : 'stale' }, 'call closed by the sweeper');
    }
  }
  const deleted = deps.retentionDays > 0 ? await deleteOlderThan(deps.db, deps.retentionDays, now) : 0;
  if (deleted) deps.log.info({ deleted, retentionDays: deps.retentionDays }, 'old call records deleted');
  return { closed, deleted };
}

/** Runs {@link sweepOnce} now and every `intervalMs`; returns a stop function. */
export function startSweeper(deps: SweeperDeps, intervalMs: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await sweepOnce(deps);
    } catch (err) {
      deps.log.error({ err }, 'sweep failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
