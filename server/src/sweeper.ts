import { CALL_END_WARNING_S, type RoomMetadata } from '@voice-widget/protocol';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { Db } from './db/client.ts';
import { REPLAY_WINDOW_S, clearReplayResults } from './repo/audit.ts';
import { callsToSweep, limitAt, markEndingNotice } from './repo/call-limits.ts';
import { type CallRow, closeCall, deleteOlderThan, markJoined } from './repo/calls.ts';
import { expirePendingTurns } from './repo/turns.ts';

/** The least time a goodbye gets between the notice and the room's deletion, seconds. */
export const MIN_GOODBYE_S = 6;
/** A session nobody joined is closed this long after its join window, seconds. */
export const UNJOINED_GRACE_S = 5;
/** Turns still pending this long after their call ended become unverified, seconds. */
export const PENDING_TURN_EXPIRY_S = 120;

export interface SweeperDeps {
  db: Db;
  rooms: Pick<RoomServiceClient, 'deleteRoom' | 'updateRoomMetadata' | 'listParticipants'>;
  log: Logger;
  /** Open calls are closed after this long whatever their limit (lost webhooks), seconds. */
  staleCallS: number;
  /** Calls and leads older than this many days are deleted; 0 keeps everything. */
  retentionDays: number;
  /** Seconds between the goodbye notice and the room's deletion. Default {@link CALL_END_WARNING_S}. */
  warnS?: number;
}

/** What one pass did. */
export interface SweepResult {
  /** Calls told to say goodbye. */
  warned: number;
  closed: number;
  deleted: number;
}

/**
 * One pass of housekeeping, driven by the database so it survives restarts:
 * 1. calls reaching their time limit (agent or demo-link budget, counted from the caller joining):
 *    `warnS` before it, the room's metadata gets `callEnding` (the agent says goodbye); at the limit
 *    (and at least {@link MIN_GOODBYE_S} after a late notice) the room is deleted — LiveKit
 *    disconnects everyone, the model session ends — and the call closed as `max_call_length`;
 * 2. sessions never joined, {@link UNJOINED_GRACE_S} past their join window: closed as `not_joined`
 *    and their room deleted (unless LiveKit shows the caller in it: a lost webhook — then joined);
 * 3. calls open longer than `staleCallS`: closed as `stale`;
 * 4. turns of closed calls still pending after {@link PENDING_TURN_EXPIRY_S}: unverified; the
 *    unredacted copies of tool results past their idempotency window (`REPLAY_WINDOW_S`): cleared;
 * 5. retention: records older than `retentionDays` deleted.
 */
export async function sweepOnce(deps: SweeperDeps, now = new Date()): Promise<SweepResult> {
  const warnS = deps.warnS ?? CALL_END_WARNING_S;
  const result: SweepResult = { warned: 0, closed: 0, deleted: 0 };
  for (const call of await callsToSweep(deps.db, now, { warnS, graceS: UNJOINED_GRACE_S, staleS: deps.staleCallS })) {
    if (!call.joinedAt && call.joinBy) {
      // A web session nobody joined (yet): no goodbye to say; closed once its window is over.
      if (now.getTime() > call.joinBy.getTime() + UNJOINED_GRACE_S * 1000 && (await closeUnjoined(deps, call, now))) result.closed += 1;
      continue;
    }
    const limit = limitAt(call);
    if (limit && now.getTime() >= limit.getTime() - warnS * 1000) {
      const noticeAt = call.endingNoticeAt ?? (await warn(deps, call, limit, now)) ?? now;
      if (!call.endingNoticeAt) result.warned += 1;
      const deleteAt = Math.max(limit.getTime(), noticeAt.getTime() + MIN_GOODBYE_S * 1000);
      if (now.getTime() >= deleteAt && (await endAtLimit(deps, call, now))) result.closed += 1;
      continue;
    }
    if (now.getTime() - call.createdAt.getTime() < deps.staleCallS * 1000) continue;
    if (await closeCall(deps.db, call.room, { endedAt: now, reason: 'stale', defaultOutcome: call.joinedAt ? 'completed' : 'abandoned' })) {
      result.closed += 1;
      deps.log.info({ room: call.room, reason: 'stale' }, 'call closed by the sweeper');
    }
  }
  await expirePendingTurns(deps.db, new Date(now.getTime() - PENDING_TURN_EXPIRY_S * 1000));
  await clearReplayResults(deps.db, new Date(now.getTime() - REPLAY_WINDOW_S * 1000));
  result.deleted = deps.retentionDays > 0 ? await deleteOlderThan(deps.db, deps.retentionDays, now) : 0;
  if (result.deleted) deps.log.info({ deleted: result.deleted, retentionDays: deps.retentionDays }, 'old call records deleted');
  return result;
}

/** Tells the room the call ends at the limit (or a goodbye's length from now); returns when, or null if already told. */
async function warn(deps: SweeperDeps, call: CallRow, limit: Date, now: Date): Promise<Date | null> {
  if (!(await markEndingNotice(deps.db, call.id, now))) return null;
  const endsAt = Math.max(limit.getTime(), now.getTime() + MIN_GOODBYE_S * 1000);
  const metadata: RoomMetadata = { callEnding: { reason: 'max_call_length', endsAt } };
  await deps.rooms.updateRoomMetadata(call.room, JSON.stringify(metadata)).catch((err: Error) => {
    deps.log.warn({ room: call.room, err: err.message }, 'could not tell the room its call is ending');
  });
  deps.log.info({ room: call.room, endsAt: new Date(endsAt).toISOString() }, 'call limit reached soon: goodbye requested');
  return now;
}

/** Deletes the room of a call past its limit and closes the call as `max_call_length`. */
async function endAtLimit(deps: SweeperDeps, call: CallRow, now: Date): Promise<boolean> {
  await deps.rooms.deleteRoom(call.room).catch((err: Error) => {
    deps.log.warn({ room: call.room, err: err.message }, 'deleting an overdue room failed (already gone?)');
  });
  const closed = await closeCall(deps.db, call.room, { endedAt: now, reason: 'max_call_length', defaultOutcome: 'completed' });
  if (closed) deps.log.info({ room: call.room, reason: 'max_call_length' }, 'call closed by the sweeper');
  return closed;
}

/**
 * A session nobody joined in its window: LiveKit is asked whether the caller is in the room (a
 * lost `participant_joined` webhook) — then it is a call after all; otherwise the room is deleted
 * (the agent has left or leaves) and the call closed as `not_joined`, costing nothing when LiveKit
 * confirmed the caller absent.
 */
async function closeUnjoined(deps: SweeperDeps, call: CallRow, now: Date): Promise<boolean> {
  const present = await deps.rooms.listParticipants(call.room).then(
    (ps) => ps.some((p) => p.identity === call.callerIdentity),
    () => null, // room gone or LiveKit unreachable: unknown
  );
  if (present) {
    await markJoined(deps.db, call.room, now);
    deps.log.warn({ room: call.room }, 'caller found in a room without a join webhook; counted as joined now');
    return false;
  }
  await deps.rooms.deleteRoom(call.room).catch(() => {});
  const closed = await closeCall(deps.db, call.room, { endedAt: now, reason: 'not_joined', defaultOutcome: 'abandoned', webhooksSeen: present === false });
  if (closed) deps.log.info({ room: call.room, reason: 'not_joined' }, 'unjoined session closed by the sweeper');
  return closed;
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
