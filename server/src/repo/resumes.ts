import { and, eq, isNull, sql } from 'drizzle-orm';
import { type CallGap, MAX_RESUMES } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { calls } from '../db/schema.ts';

/**
 * The outages a call survived (`calls.resumes`, protocol resume.ts). Adding a gap is the server's
 * lock against resuming a call twice: one atomic UPDATE that adds it only while the call is open,
 * below {@link MAX_RESUMES}, and no gap names the same lost agent — so the worker's report and
 * LiveKit's webhook for the same crash (or two server instances) start one dispatch, not two.
 */

/** Why {@link openGap} added nothing. */
export type OpenGapRefusal = 'call_ended' | 'already_resumed' | 'too_many_resumes';

/**
 * Records that the call's agent `gap.lostIdentity` was lost; returns the gap's number (1, 2, …)
 * or why nothing was recorded.
 */
export async function openGap(db: Db, room: string, gap: Omit<CallGap, 'resumedAtMs'>): Promise<{ attempt: number } | { refused: OpenGapRefusal }> {
  const entry = JSON.stringify([{ ...gap, resumedAtMs: null }]);
  const same = JSON.stringify([{ lostIdentity: gap.lostIdentity }]);
  const [row] = await db
    .update(calls)
    .set({ resumes: sql`${calls.resumes} || ${entry}::jsonb` })
    .where(
      and(
        eq(calls.room, room),
        isNull(calls.endedAt),
        sql`jsonb_array_length(${calls.resumes}) < ${MAX_RESUMES}`,
        sql`not (${calls.resumes} @> ${same}::jsonb)`,
      ),
    )
    .returning({ resumes: calls.resumes });
  if (row) return { attempt: row.resumes.length };
  const [call] = await db.select({ endedAt: calls.endedAt, resumes: calls.resumes }).from(calls).where(eq(calls.room, room));
  if (!call || call.endedAt) return { refused: 'call_ended' };
  if (call.resumes.some((g) => g.lostIdentity === gap.lostIdentity)) return { refused: 'already_resumed' };
  return { refused: 'too_many_resumes' };
}

/** Withdraws the gap of `lostIdentity` (no agent was dispatched after all). */
export async function dropGap(db: Db, room: string, lostIdentity: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [call] = await tx.select({ id: calls.id, resumes: calls.resumes }).from(calls).where(eq(calls.room, room)).for('update');
    if (!call) return;
    await tx.update(calls).set({ resumes: call.resumes.filter((g) => g.lostIdentity !== lostIdentity) }).where(eq(calls.id, call.id));
  });
}

/**
 * The resumed agent was heard: closes the newest open gap at `atMs` (ms since epoch). Returns the
 * gap, or null when none was open (a report sent twice changes nothing).
 */
export async function closeGap(db: Db, room: string, atMs: number): Promise<CallGap | null> {
  return db.transaction(async (tx) => {
    const [call] = await tx.select({ id: calls.id, resumes: calls.resumes }).from(calls).where(eq(calls.room, room)).for('update');
    const i = call ? call.resumes.findLastIndex((g) => g.resumedAtMs === null) : -1;
    if (!call || i < 0) return null;
    const gap = { ...call.resumes[i]!, resumedAtMs: Math.max(atMs, call.resumes[i]!.lostAtMs) };
    await tx
      .update(calls)
      .set({ resumes: call.resumes.map((g, j) => (j === i ? gap : g)) })
      .where(eq(calls.id, call.id));
    return gap;
  });
}
