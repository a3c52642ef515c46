import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { CALLER_JOIN_WINDOW_S } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { calls } from '../db/schema.ts';
import type { CallRow } from './calls.ts';

/**
 * When a call's time limit starts counting: the caller joining; for a session nobody joined yet,
 * the end of its join window (until then it is a prefetched session waiting for its click).
 */
export function talkStart(call: Pick<CallRow, 'createdAt' | 'joinedAt' | 'joinBy'>): Date {
  return call.joinedAt ?? call.joinBy ?? new Date(call.createdAt.getTime() + CALLER_JOIN_WINDOW_S * 1000);
}
const talkStartSql = sql`coalesce(${calls.joinedAt}, ${calls.joinBy}, ${calls.createdAt} + make_interval(secs => ${CALLER_JOIN_WINDOW_S}))`;

/** When the call must end (talk start + its limit), or null when it has none. */
export const limitAt = (call: CallRow): Date | null =>
  call.maxDurationS === null ? null : new Date(talkStart(call).getTime() + call.maxDurationS * 1000);

/**
 * Open calls the sweeper has to look at, at `now`: within `warnS` of their time limit or past it;
 * never joined and `graceS` past their join window; or open for longer than `staleS`.
 */
export async function callsToSweep(db: Db, now: Date, opts: { warnS: number; graceS: number; staleS: number }): Promise<CallRow[]> {
  const at = now.toISOString();
  return db
    .select()
    .from(calls)
    .where(
      and(
        isNull(calls.endedAt),
        or(
          and(isNotNull(calls.maxDurationS), sql`${talkStartSql} + make_interval(secs => ${calls.maxDurationS} - ${opts.warnS}) <= ${at}::timestamptz`),
          and(isNull(calls.joinedAt), sql`${calls.joinBy} + make_interval(secs => ${opts.graceS}) < ${at}::timestamptz`),
          lt(calls.createdAt, new Date(now.getTime() - opts.staleS * 1000)),
        ),
      ),
    );
}

/** Records that the room was told the call is ending (once: survives a restart). Returns false if it already was. */
export async function markEndingNotice(db: Db, callId: number, at: Date): Promise<boolean> {
  const rows = await db
    .update(calls)
    .set({ endingNoticeAt: at })
    .where(and(eq(calls.id, callId), isNull(calls.endingNoticeAt)))
    .returning({ id: calls.id });
  return rows.length > 0;
}
