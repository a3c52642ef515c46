import { and, asc, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { HandoffEvent, HandoffRequest } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { calls, handoffs, staffPresence } from '../db/schema.ts';
import { redactPii } from '../redact/index.ts';
import type { CallRow } from './calls.ts';

/**
 * The hand-off queue and its history (schema-handoffs.ts). Every status change is one conditional
 * UPDATE (`… where status = 'waiting'`), so a person taking a call and the wait limit running out
 * at the same moment cannot both win.
 */

export type HandoffRow = typeof handoffs.$inferSelect;

/** A person counts as online this long after their console last checked in, seconds. */
export const PRESENCE_TTL_S = 30;

/** The open (waiting or taken) hand-off of a call, if any. */
export async function openHandoffOf(db: Db, callId: number): Promise<HandoffRow | undefined> {
  const [row] = await db
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.callId, callId), inArray(handoffs.status, ['waiting', 'taken'])));
  return row;
}

export async function findHandoff(db: Db, id: number): Promise<HandoffRow | undefined> {
  const [row] = await db.select().from(handoffs).where(eq(handoffs.id, id));
  return row;
}

/** The newest hand-off of a call, if any. */
export async function latestHandoff(db: Db, callId: number): Promise<HandoffRow | undefined> {
  const [row] = await db.select().from(handoffs).where(eq(handoffs.callId, callId)).orderBy(desc(handoffs.id)).limit(1);
  return row;
}

/**
 * Queues a warm hand-off for `call`, or returns its open one (`created: false`): the caller
 * asking twice is one request. The reason and summary are PII-redacted.
 */
export async function openWarmHandoff(
  db: Db,
  call: CallRow,
  req: HandoffRequest,
  waitLimitS: number,
  now = new Date(),
): Promise<{ row: HandoffRow; created: boolean }> {
  const existing = await openHandoffOf(db, call.id);
  if (existing) return { row: existing, created: false };
  const [row] = await db
    .insert(handoffs)
    .values({ ...requestValues(call, req, now), kind: 'warm', status: 'waiting', waitLimitS })
    .onConflictDoNothing()
    .returning();
  if (row) return { row, created: true };
  return { row: (await openHandoffOf(db, call.id))!, created: false }; // a concurrent request won
}

/** Records a cold transfer (settled at once: the caller is referred out after the package). */
export async function openColdHandoff(db: Db, call: CallRow, req: HandoffRequest, transferTo: string, now = new Date()): Promise<HandoffRow> {
  const [row] = await db
    .insert(handoffs)
    .values({ ...requestValues(call, req, now), kind: 'cold', status: 'transferred', waitLimitS: 0, transferTo, settledAt: now })
    .returning();
  return row!;
}

function requestValues(call: CallRow, req: HandoffRequest, now: Date) {
  return {
    callId: call.id,
    reason: redactPii(req.reason),
    modelSummary: redactPii(req.summary),
    via: req.via,
    requestedAt: now,
    requestAtMs: req.atMs,
  };
}

/** 1-based place of a waiting hand-off in the queue (oldest first); null when it is not waiting. */
export async function queuePosition(db: Db, row: HandoffRow): Promise<number | null> {
  if (row.status !== 'waiting') return null;
  const [r] = await db
    .select({ n: sql<string>`count(*)` })
    .from(handoffs)
    .where(and(eq(handoffs.status, 'waiting'), sql`(${handoffs.requestedAt}, ${handoffs.id}) < (${row.requestedAt.toISOString()}::timestamptz, ${row.id})`));
  return Number(r!.n) + 1;
}

/**
 * A person takes a waiting hand-off: it becomes `taken` by them, and the package they were given
 * is kept with its delivery time. Undefined when it is not waiting any more (taken by someone
 * else, expired to a callback, cancelled).
 */
export async function takeHandoff(
  db: Db,
  id: number,
  person: { keyId: number; name: string; identity: string },
  now = new Date(),
): Promise<HandoffRow | undefined> {
  const [row] = await db
    .update(handoffs)
    .set({ status: 'taken', settledAt: now, takenByKeyId: person.keyId, personName: person.name, personIdentity: person.identity })
    .where(and(eq(handoffs.id, id), eq(handoffs.status, 'waiting')))
    .returning();
  return row;
}

/** Keeps the package a person or a case was given, and when. */
export async function recordPackage(db: Db, id: number, pkg: HandoffRow['package'], deliveredAt: Date | null, extra: Partial<Pick<HandoffRow, 'endpointDelivered' | 'caseId'>> = {}): Promise<void> {
  await db.update(handoffs).set({ package: pkg, packageDeliveredAt: deliveredAt, ...extra }).where(eq(handoffs.id, id));
}

/**
 * The person who took a hand-off never joined the room (their console closed or failed): it goes
 * back to `waiting`, in its old place in the queue. Undefined when it was not `taken`.
 */
export async function releaseHandoff(db: Db, id: number): Promise<HandoffRow | undefined> {
  const [row] = await db
    .update(handoffs)
    .set({ status: 'waiting', settledAt: null, takenByKeyId: null, personName: null, personIdentity: null, packageDeliveredAt: null })
    .where(and(eq(handoffs.id, id), eq(handoffs.status, 'taken')))
    .returning();
  return row;
}

/** The wait limit passed (or nobody is online): a waiting hand-off becomes a callback. Undefined when it was not waiting. */
export async function expireToCallback(db: Db, id: number, now = new Date()): Promise<HandoffRow | undefined> {
  const [row] = await db
    .update(handoffs)
    .set({ status: 'callback', settledAt: now })
    .where(and(eq(handoffs.id, id), eq(handoffs.status, 'waiting')))
    .returning();
  return row;
}

/**
 * Applies what the agent saw in the room (protocol `HandoffEvent`): `connected` moves a taken
 * hand-off to `connected`; the person's first audio is kept once — a time from the caller's page
 * replaces one measured in the room; the person leaving is kept once.
 */
export async function recordHandoffEvent(db: Db, row: HandoffRow, ev: HandoffEvent): Promise<void> {
  if (ev.type === 'connected') {
    await db
      .update(handoffs)
      .set({ connectedAtMs: sql`coalesce(${handoffs.connectedAtMs}, ${ev.atMs})`, status: sql`case when ${handoffs.status} = 'taken' then 'connected' else ${handoffs.status} end` })
      .where(eq(handoffs.id, row.id));
  } else if (ev.type === 'person_audio') {
    // One conditional UPDATE each (reports from the room and the page arrive together).
    const unset = ev.source === 'caller_page' ? sql`${handoffs.personAudioSource} is distinct from 'caller_page'` : isNull(handoffs.personAudioAtMs);
    await db.update(handoffs).set({ personAudioAtMs: ev.atMs, personAudioSource: ev.source }).where(and(eq(handoffs.id, row.id), unset));
  } else {
    await db.update(handoffs).set({ personLeftAtMs: sql`coalesce(${handoffs.personLeftAtMs}, ${ev.atMs})` }).where(eq(handoffs.id, row.id));
  }
}

/** The call ended: its open hand-offs are cancelled (inside the caller's transaction). */
export async function cancelOpenHandoffs(db: Db | Tx, callId: number, now = new Date()): Promise<void> {
  await db
    .update(handoffs)
    .set({ status: 'cancelled', settledAt: now })
    .where(and(eq(handoffs.callId, callId), inArray(handoffs.status, ['waiting', 'taken'])));
}

/** Waiting hand-offs, oldest first, with their calls. */
export async function listWaiting(db: Db): Promise<{ handoff: HandoffRow; call: CallRow }[]> {
  return db
    .select({ handoff: handoffs, call: calls })
    .from(handoffs)
    .innerJoin(calls, eq(calls.id, handoffs.callId))
    .where(eq(handoffs.status, 'waiting'))
    .orderBy(asc(handoffs.requestedAt), asc(handoffs.id));
}

/** Cold transfers since `since`, newest first, with their calls. */
export async function listRecentCold(db: Db, since: Date): Promise<{ handoff: HandoffRow; call: CallRow }[]> {
  return db
    .select({ handoff: handoffs, call: calls })
    .from(handoffs)
    .innerJoin(calls, eq(calls.id, handoffs.callId))
    .where(and(eq(handoffs.kind, 'cold'), gt(handoffs.requestedAt, since)))
    .orderBy(desc(handoffs.requestedAt))
    .limit(50);
}

/** A person's console is open: they count as online for {@link PRESENCE_TTL_S}. */
export async function touchPresence(db: Db, keyId: number, name: string, now = new Date()): Promise<void> {
  await db
    .insert(staffPresence)
    .values({ keyId, name, lastSeenAt: now })
    .onConflictDoUpdate({ target: staffPresence.keyId, set: { name, lastSeenAt: now } });
}

/** A person's console closed. */
export async function dropPresence(db: Db, keyId: number): Promise<void> {
  await db.delete(staffPresence).where(eq(staffPresence.keyId, keyId));
}

/** People online now. */
export async function onlineCount(db: Db, now = new Date()): Promise<number> {
  const [r] = await db
    .select({ n: sql<string>`count(*)` })
    .from(staffPresence)
    .where(gt(staffPresence.lastSeenAt, new Date(now.getTime() - PRESENCE_TTL_S * 1000)));
  await db.delete(staffPresence).where(lt(staffPresence.lastSeenAt, new Date(now.getTime() - 3_600_000))); // tidy
  return Number(r!.n);
}
