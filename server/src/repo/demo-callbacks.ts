import { and, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { calls, outboundCalls } from '../db/schema.ts';
import { MIN_DEMO_CALL_S, type DemoLinkRow } from './demo-links.ts';

/**
 * What a demo link's call-backs have taken so far, for the checks of `POST
 * /api/demo-links/:slug/callback` (routes/demo-callback.ts): per visitor network, per number, and
 * against the link's talk time. A call-back "pending" is one not yet finished dialling.
 */

const PENDING = ['queued', 'dialing', 'ringing'] as const;

/** Web calls and pending call-backs of `ipHash` on the link in the hour before `now` (the link's per-IP rate). */
export async function linkRequestsFromIp(db: Db, linkId: number, ipHash: string, now: Date): Promise<number> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const [web] = await db.select({ n: count() }).from(calls).where(and(eq(calls.demoLinkId, linkId), eq(calls.ipHash, ipHash), gt(calls.createdAt, hourAgo)));
  const [back] = await db
    .select({ n: count() })
    .from(outboundCalls)
    .where(and(eq(outboundCalls.demoLinkId, linkId), eq(outboundCalls.ipHash, ipHash), gt(outboundCalls.createdAt, hourAgo), inArray(outboundCalls.status, [...PENDING])));
  return web!.n + back!.n;
}

/** Pending outbound calls (any source) to `number` (E.164). */
export async function pendingCallsTo(db: Db, number: string): Promise<number> {
  const [r] = await db.select({ n: count() }).from(outboundCalls).where(and(eq(outboundCalls.number, number), inArray(outboundCalls.status, [...PENDING])));
  return r!.n;
}

/**
 * Whether the link's talk time covers one more call-back: what is left (budget − used − the
 * allowance of its open calls) minus a full call length (`maxCallSeconds`) for each call-back still
 * queued must leave at least {@link MIN_DEMO_CALL_S}. Dialling reserves for real (reserveDemoCall);
 * this keeps the queue from promising more calls than the budget can pay for.
 */
export async function linkCoversAnotherCallback(db: Db, link: DemoLinkRow): Promise<boolean> {
  const [open] = await db
    .select({ reserved: sql<string>`coalesce(sum(${calls.maxDurationS}), 0)` })
    .from(calls)
    .where(and(eq(calls.demoLinkId, link.id), isNull(calls.endedAt)));
  const [queued] = await db.select({ n: count() }).from(outboundCalls).where(and(eq(outboundCalls.demoLinkId, link.id), eq(outboundCalls.status, 'queued')));
  const left = link.budgetSeconds - link.usedSeconds - Number(open!.reserved) - queued!.n * link.maxCallSeconds;
  return left >= MIN_DEMO_CALL_S;
}
