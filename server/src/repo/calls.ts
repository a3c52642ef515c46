import { and, asc, desc, eq, gte, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { CALLER_JOIN_WINDOW_S, type CallFilter, type CallOutcome, type CallRecordUpload, type LeadCapture, type LiveLine } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { agentReplies, agents, calls, demoLinks, handoffs, leads, outboundCalls, transcriptEntries, turns } from '../db/schema.ts';
import { listAudit } from './audit.ts';
import { cancelOpenHandoffs } from './handoffs.ts';
import { upsertLines } from './live.ts';
import type { Tx } from './tx.ts';
import { HttpError } from '../errors.ts';
import { reserveAgentCall } from './agent-budget.ts';
import type { AgentRow } from './agents.ts';
import { type DemoLinkRow, reserveDemoCall } from './demo-links.ts';

export type CallRow = typeof calls.$inferSelect;

export interface OpenCallInput {
  room: string;
  identity: string;
  agent: AgentRow;
  channel: 'web' | 'phone';
  origin: string | null;
  ipHash: string;
  demo?: DemoLinkRow;
  lead?: LeadCapture;
  /** Lifetime of the caller's token, seconds: the join window never outlives it. */
  tokenTtlS: number;
  /** A web caller's signed identity, checked by the route (identity.ts). */
  verified?: { customerId: string; name: string };
}

/**
 * Records a new web call before its room exists, checking and reserving the agent's budgets and
 * (for demo links) the link's in the same transaction. The row carries the call's time limit
 * (`maxDurationS`, the smaller grant) and its join window (`joinBy`: the join window, the token's
 * lifetime and the time limit, whichever ends first).
 * @throws HttpError from {@link reserveAgentCall} or {@link reserveDemoCall} when a budget is spent.
 */
export async function openCall(db: Db, input: OpenCallInput, now = new Date()): Promise<CallRow> {
  return db.transaction(async (tx) => {
    const demoGrant = input.demo ? await reserveDemoCall(tx, input.demo, input.agent, input.ipHash, now) : Number.POSITIVE_INFINITY;
    const maxDurationS = Math.min(demoGrant, await reserveAgentCall(tx, input.agent, input.ipHash, now));
    const joinWindowS = Math.min(CALLER_JOIN_WINDOW_S, input.tokenTtlS, maxDurationS);
    const [row] = await tx
      .insert(calls)
      .values({
        room: input.room,
        agentId: input.agent.id,
        agentVersion: input.agent.version,
        channel: input.channel,
        demoLinkId: input.demo?.id ?? null,
        callerIdentity: input.identity,
        origin: input.origin,
        ipHash: input.ipHash,
        createdAt: now,
        joinBy: new Date(now.getTime() + joinWindowS * 1000),
        maxDurationS,
        ...(input.verified
          ? { verifiedCustomerId: input.verified.customerId, verifiedName: input.verified.name, verificationMethod: 'signed_identity' as const }
          : {}),
      })
      .returning();
    if (input.demo && input.lead) {
      await tx.insert(leads).values({ demoLinkId: input.demo.id, callId: row!.id, ...input.lead });
    }
    return row!;
  });
}

/** Removes a call whose room could not be created (nothing happened; its reservation is freed). */
export async function discardCall(db: Db, room: string): Promise<void> {
  await db.delete(calls).where(and(eq(calls.room, room), isNull(calls.endedAt)));
}

export async function findCall(db: Db, room: string): Promise<CallRow | undefined> {
  const [row] = await db.select().from(calls).where(eq(calls.room, room));
  return row;
}

/** Marks the caller as joined (first time only). */
export async function markJoined(db: Db, room: string, at: Date): Promise<void> {
  await db
    .update(calls)
    .set({ joinedAt: at })
    .where(and(eq(calls.room, room), isNull(calls.joinedAt)));
}

/**
 * Ends a call once (later calls change nothing and return false). The talk time, from the caller
 * joining to the end and capped by the call's limit, is stored (`talkSeconds`, the agent's daily
 * budget) and added to its demo link's used budget.
 * A session the caller never joined (a hover prefetch nobody clicked) costs nothing when
 * `webhooksSeen` (the close came from LiveKit's `room_finished`, so a join would have been seen
 * too); otherwise it is charged from its creation, so lost webhooks never undercount.
 * `outcome` replaces any outcome; `defaultOutcome` applies only when none was reported.
 */
export async function closeCall(db: Db, room: string, opts: CloseCallOptions): Promise<boolean> {
  return db.transaction((tx) => closeCallIn(tx, room, opts));
}

/** How {@link closeCall} ends a call: when (`endedAt`), why (`reason`, stored as `endReason`), and with which outcome. */
export interface CloseCallOptions {
  endedAt: Date;
  reason: string;
  outcome?: CallOutcome;
  defaultOutcome?: CallOutcome;
  webhooksSeen?: boolean;
}

/** {@link closeCall} inside a transaction the caller holds, so the close commits with its other writes. */
async function closeCallIn(tx: Tx, room: string, opts: CloseCallOptions): Promise<boolean> {
  const outcome = opts.outcome
    ? sql`${opts.outcome}`
    : sql`coalesce(${calls.outcome}, ${opts.defaultOutcome ?? 'abandoned'})`;
  const [closed] = await tx
    .update(calls)
    .set({ endedAt: opts.endedAt, endReason: opts.reason, outcome: outcome as unknown as CallOutcome })
    .where(and(eq(calls.room, room), isNull(calls.endedAt)))
    .returning();
  if (!closed) return false;
  // An outbound call ends with its record (the dialer set it already when it was not answered).
  await tx
    .update(outboundCalls)
    .set({ endedAt: sql`coalesce(${outboundCalls.endedAt}, ${opts.endedAt.toISOString()}::timestamptz)` })
    .where(eq(outboundCalls.callId, closed.id));
  const from = closed.joinedAt ?? (opts.webhooksSeen ? opts.endedAt : closed.createdAt);
  let seconds = Math.max(0, (opts.endedAt.getTime() - from.getTime()) / 1000);
  if (closed.maxDurationS !== null) seconds = Math.min(seconds, closed.maxDurationS);
  await tx.update(calls).set({ talkSeconds: seconds }).where(eq(calls.id, closed.id));
  await cancelOpenHandoffs(tx, closed.id, opts.endedAt); // nobody can take a call that ended
  if (closed.demoLinkId !== null) {
    await tx
      .update(demoLinks)
      .set({ usedSeconds: sql`${demoLinks.usedSeconds} + ${seconds}` })
      .where(eq(demoLinks.id, closed.demoLinkId));
  }
  return true;
}

/**
 * Stores the agent's record of a call (replacing an earlier one; numbered lines are upserted by `seq`, see repo/live.ts): transcript with PII redacted, barge-ins, outcome; ends the call if it is still open.
 * @throws HttpError 404 when there is no such call.
 */
export async function storeCallRecord(db: Db, room: string, rec: CallRecordUpload, now = new Date()): Promise<void> {
  const call = await findCall(db, room);
  if (!call) throw HttpError.notFound('call');
  await db.transaction(async (tx) => {
    // Numbered lines (agents that post the live transcript) land on the rows posted live; a
    // record without numbers replaces the transcript.
    const numbered = rec.transcript.length > 0 && rec.transcript.every((t) => t.seq !== undefined);
    if (!numbered) await tx.delete(transcriptEntries).where(eq(transcriptEntries.callId, call.id));
    await upsertLines(tx, call.id, numbered ? (rec.transcript as LiveLine[]) : rec.transcript.map((t, seq) => ({ ...t, seq })));
    await tx
      .update(calls)
      .set({ outcome: rec.outcome, bargeIns: rec.bargeIns.map((b) => b.atMs), recordReceivedAt: now })
      .where(eq(calls.id, call.id));
    // In the same transaction: nobody reads a call that has its record but is not yet ended.
    const endedAt = new Date(Math.min(rec.endedAtMs, now.getTime()));
    await closeCallIn(tx, room, { endedAt, reason: 'agent_report', outcome: rec.outcome });
  });
}

/** A call row with its agent's slug and demo link label, as lists show it. */
export interface CallListItem extends CallRow {
  agent: string;
  demoLabel: string | null;
  demoSlug: string | null;
}

/** The WHERE clause of a {@link CallFilter} (dates are UTC days, `to` inclusive). */
export function callWhere(f: Partial<CallFilter>, extra: SQL[] = []): SQL | undefined {
  const where: SQL[] = [...extra];
  if (f.agent) where.push(eq(agents.slug, f.agent));
  if (f.channel) where.push(eq(calls.channel, f.channel));
  if (f.outcome === 'open') where.push(isNull(calls.endedAt));
  else if (f.outcome) where.push(eq(calls.outcome, f.outcome));
  if (f.from) where.push(gte(calls.createdAt, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) where.push(lt(calls.createdAt, new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000)));
  if (f.demo) where.push(eq(demoLinks.slug, f.demo));
  return where.length ? and(...where) : undefined;
}

/** Calls matching `f`, newest first. */
export async function listCalls(db: Db, f: Partial<CallFilter>): Promise<CallListItem[]> {
  const rows = await db
    .select({ call: calls, agent: agents.slug, demoLabel: demoLinks.label, demoSlug: demoLinks.slug })
    .from(calls)
    .innerJoin(agents, eq(agents.id, calls.agentId))
    .leftJoin(demoLinks, eq(demoLinks.id, calls.demoLinkId))
    .where(callWhere(f))
    .orderBy(desc(calls.createdAt), desc(calls.id))
    .limit(f.limit ?? 100);
  return rows.map((r) => ({ ...r.call, agent: r.agent, demoLabel: r.demoLabel, demoSlug: r.demoSlug }));
}

/** Everything about one call. */
export async function callDetail(db: Db, room: string) {
  const [row] = await db
    .select({ call: calls, agent: agents.slug, demoLabel: demoLinks.label, demoSlug: demoLinks.slug })
    .from(calls)
    .innerJoin(agents, eq(agents.id, calls.agentId))
    .leftJoin(demoLinks, eq(demoLinks.id, calls.demoLinkId))
    .where(eq(calls.room, room));
  if (!row) return undefined;
  const id = row.call.id;
  const [transcript, tools, turnRows, replies, handoffRows] = await Promise.all([
    db.select().from(transcriptEntries).where(eq(transcriptEntries.callId, id)).orderBy(asc(transcriptEntries.seq)),
    listAudit(db, id),
    db.select().from(turns).where(eq(turns.callId, id)).orderBy(asc(turns.idx)),
    db.select().from(agentReplies).where(eq(agentReplies.callId, id)).orderBy(asc(agentReplies.firstFramePublishedAtMs)),
    db.select().from(handoffs).where(eq(handoffs.callId, id)).orderBy(asc(handoffs.id)),
  ]);
  return {
    call: { ...row.call, agent: row.agent, demoLabel: row.demoLabel, demoSlug: row.demoSlug } as CallListItem,
    transcript,
    toolCalls: tools,
    turns: turnRows,
    replies,
    /** Hand-offs to a person (request, who took it and when, first audio, package), oldest first. */
    handoffs: handoffRows,
  };
}

/** Ended calls matching `f`, counted by outcome. */
export async function outcomeCounts(db: Db, f: Partial<CallFilter>): Promise<Record<CallOutcome, number>> {
  const rows = await db
    .select({ outcome: calls.outcome, n: sql<string>`count(*)` })
    .from(calls)
    .innerJoin(agents, eq(agents.id, calls.agentId))
    .leftJoin(demoLinks, eq(demoLinks.id, calls.demoLinkId))
    .where(callWhere({ ...f, outcome: undefined }, [isNotNull(calls.endedAt)]))
    .groupBy(calls.outcome);
  const out: Record<CallOutcome, number> = { completed: 0, transferred: 0, abandoned: 0, error: 0 };
  for (const r of rows) if (r.outcome) out[r.outcome] = Number(r.n);
  return out;
}

/**
 * Deletes calls (with transcripts, turns, tool calls), leads and outbound calls (numbers, names,
 * reasons) older than `days` days. The do-not-call list is kept: it must outlive the calls.
 * Returns how many calls were deleted.
 */
export async function deleteOlderThan(db: Db, days: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  await db.delete(leads).where(lt(leads.createdAt, cutoff));
  await db.delete(outboundCalls).where(lt(outboundCalls.createdAt, cutoff));
  const deleted = await db.delete(calls).where(lt(calls.createdAt, cutoff)).returning({ id: calls.id });
  return deleted.length;
}
