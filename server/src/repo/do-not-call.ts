import { asc, eq } from 'drizzle-orm';
import type { DoNotCallEntry } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { doNotCall } from '../db/schema.ts';

export type DoNotCallRow = typeof doNotCall.$inferSelect;

/** True when `number` (E.164) is on the do-not-call list. */
export async function onDoNotCallList(db: Db | Tx, number: string): Promise<boolean> {
  const [row] = await db.select({ number: doNotCall.number }).from(doNotCall).where(eq(doNotCall.number, number));
  return Boolean(row);
}

/**
 * Adds `number` (E.164) to the list; idempotent (an existing entry keeps its source and date).
 * Returns true when it was added now.
 */
export async function addToDoNotCall(
  db: Db | Tx,
  number: string,
  entry: { source: DoNotCallRow['source']; note?: string; callId?: number | null },
): Promise<boolean> {
  const rows = await db
    .insert(doNotCall)
    .values({ number, source: entry.source, note: entry.note ?? '', callId: entry.callId ?? null })
    .onConflictDoNothing({ target: doNotCall.number })
    .returning({ number: doNotCall.number });
  return rows.length > 0;
}

/** Removes `number`; returns whether it was on the list. */
export async function removeFromDoNotCall(db: Db, number: string): Promise<boolean> {
  const rows = await db.delete(doNotCall).where(eq(doNotCall.number, number)).returning({ number: doNotCall.number });
  return rows.length > 0;
}

/** The whole list, oldest first (at most `limit` entries). */
export async function listDoNotCall(db: Db, limit = 10_000): Promise<DoNotCallRow[]> {
  return db.select().from(doNotCall).orderBy(asc(doNotCall.createdAt), asc(doNotCall.number)).limit(limit);
}

export const toDoNotCallEntry = (r: DoNotCallRow): DoNotCallEntry => ({
  number: r.number,
  source: r.source,
  note: r.note,
  createdAt: r.createdAt.toISOString(),
});
