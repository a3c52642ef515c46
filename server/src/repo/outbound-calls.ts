import { and, count, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { CallContext, OutboundCallView, OutboundEvent, OutboundOutcome, OutboundStatus } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { agents, outboundCalls } from '../db/schema.ts';
import { HttpError } from '../errors.ts';

export type OutboundRow = typeof outboundCalls.$inferSelect;

/** Statuses after which nothing is dialled any more. */
export const FINAL_STATUSES: readonly OutboundStatus[] = ['answered', 'busy', 'no_answer', 'failed', 'cancelled'];

export interface QueueInput {
  agentId: number;
  /** E.164, checked by the caller. */
  number: string;
  context: CallContext;
  timeZone: string | null;
  ringTimeoutS: number | null;
  source: OutboundRow['source'];
  demoLinkId?: number | null;
  ipHash?: string | null;
  idempotencyKey?: string | null;
  /** A demo call-back's consent (the text agreed to, ISO time); null for admin calls. */
  consent?: { text: string; at: string } | null;
  notBefore: Date;
  /** Calls this agent may place in any 24 hours (rolling). */
  maxCallsPerDay: number;
}

/**
 * Queues one outbound call. In one transaction, serialised per agent (an advisory lock): a
 * repeated `idempotencyKey` returns the first call (`repeated: true`) and queues nothing; otherwise
 * the agent's calls of the last 24 hours (every status but `cancelled`) must be under its cap.
 * @throws HttpError 429 `daily_cap_reached` when the cap is reached.
 */
export async function queueOutboundCall(db: Db, input: QueueInput, now = new Date()): Promise<{ row: OutboundRow; repeated: boolean }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${OUTBOUND_LOCK_SPACE}, ${input.agentId})`);
    if (input.idempotencyKey) {
      const [prior] = await tx
        .select()
        .from(outboundCalls)
        .where(and(eq(outboundCalls.agentId, input.agentId), eq(outboundCalls.idempotencyKey, input.idempotencyKey)));
      if (prior) return { row: prior, repeated: true };
    }
    const placed = await callsInLastDay(tx, input.agentId, now);
    if (placed >= input.maxCallsPerDay) {
      throw new HttpError(429, 'daily_cap_reached', `this agent may place ${input.maxCallsPerDay} outbound calls in 24 hours; ${placed} were placed — nothing was dialled`);
    }
    const [row] = await tx
      .insert(outboundCalls)
      .values({
        agentId: input.agentId,
        number: input.number,
        context: input.context,
        timeZone: input.timeZone,
        ringTimeoutS: input.ringTimeoutS,
        source: input.source,
        demoLinkId: input.demoLinkId ?? null,
        ipHash: input.ipHash ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        consent: input.consent ?? null,
        notBefore: input.notBefore,
        createdAt: now,
      })
      .returning();
    return { row: row!, repeated: false };
  });
}

/** First key of the advisory locks that serialise an agent's outbound queueing. */
const OUTBOUND_LOCK_SPACE = 1_300_013;

/** The agent's outbound calls created in the 24 hours before `now`, cancelled ones excluded. */
export async function callsInLastDay(db: Db | Tx, agentId: number, now = new Date()): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(outboundCalls)
    .where(and(eq(outboundCalls.agentId, agentId), gte(outboundCalls.createdAt, new Date(now.getTime() - 86_400_000)), ne(outboundCalls.status, 'cancelled')));
  return Number(r!.n);
}

/**
 * Claims the oldest due queued call for dialling (status → `dialing`). `FOR UPDATE SKIP LOCKED`:
 * several servers may run the dialer and each call is claimed once.
 */
export async function claimDueCall(db: Db, now = new Date()): Promise<OutboundRow | undefined> {
  const rows = await db.execute(sql`
    update ${outboundCalls} set status = 'dialing', dialed_at = ${now.toISOString()}::timestamptz
    where id = (
      select id from ${outboundCalls}
      where status = 'queued' and not_before <= ${now.toISOString()}::timestamptz
      order by not_before, id
      limit 1
      for update skip locked
    )
    returning id`);
  const id = (rows as unknown as { rows: { id: number }[] }).rows[0]?.id;
  return id === undefined ? undefined : findOutboundCall(db, id);
}

export async function findOutboundCall(db: Db | Tx, id: number): Promise<OutboundRow | undefined> {
  const [row] = await db.select().from(outboundCalls).where(eq(outboundCalls.id, id));
  return row;
}

export async function findOutboundByRoom(db: Db | Tx, room: string): Promise<OutboundRow | undefined> {
  const [row] = await db.select().from(outboundCalls).where(eq(outboundCalls.room, room));
  return row;
}

/** Changes fields of one outbound call. */
export async function updateOutbound(db: Db | Tx, id: number, set: Partial<Omit<OutboundRow, 'id'>>): Promise<void> {
  await db.update(outboundCalls).set(set).where(eq(outboundCalls.id, id));
}

/** Back to the queue until `notBefore` (calling hours, a busy demo link). */
export async function requeueOutbound(db: Db, id: number, notBefore: Date): Promise<void> {
  await updateOutbound(db, id, { status: 'queued', notBefore, dialedAt: null });
}

/** Ends a call that is still queued or dialling without dialling it: `cancelled`, with the reason. */
export async function cancelOutbound(db: Db, id: number, reason: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(outboundCalls)
    .set({ status: 'cancelled', failureReason: reason, endedAt: now })
    .where(and(eq(outboundCalls.id, id), inArray(outboundCalls.status, ['queued', 'dialing'])))
    .returning({ id: outboundCalls.id });
  return rows.length > 0;
}

/**
 * Applies what the agent reported, in order, to the call of `room`: ringing and answer times, the
 * AMD decision (a revision keeps the first decision and its time), the voicemail's moments.
 * @throws HttpError 404 when `room` is not an outbound call.
 */
export async function applyOutboundEvents(db: Db, room: string, events: readonly OutboundEvent[]): Promise<OutboundRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(outboundCalls).where(eq(outboundCalls.room, room)).for('update');
    if (!row) throw HttpError.notFound('outbound call');
    const set: Partial<OutboundRow> = {};
    const cur = () => ({ ...row, ...set });
    for (const e of events) {
      switch (e.type) {
        case 'ringing':
          set.ringingAt ??= row.ringingAt ?? new Date(e.atMs);
          if (cur().status === 'dialing') set.status = 'ringing';
          break;
        case 'answered':
          if (!cur().answeredAt || cur().answeredAt!.getTime() > e.atMs) set.answeredAt = new Date(e.atMs);
          if (!FINAL_STATUSES.includes(cur().status)) set.status = 'answered';
          break;
        case 'amd_decision':
          if (e.revises === null || cur().amdDecision === null) {
            Object.assign(set, { amdDecision: e.decision, amdFirstDecision: null, amdReason: e.reason, amdTimeToDecisionMs: e.timeToDecisionMs, amdEvidence: e.evidence });
          } else {
            // After a withdrawn quick "person" (speech_resumed), the decision that stands is this one: its time counts.
            const afterWithdrawal = cur().amdReason === 'speech_resumed' ? { amdTimeToDecisionMs: e.timeToDecisionMs } : {};
            Object.assign(set, { amdFirstDecision: cur().amdFirstDecision ?? cur().amdDecision, amdDecision: e.decision, amdReason: e.reason, amdEvidence: e.evidence, ...afterWithdrawal });
          }
          break;
        case 'voicemail_ready':
          Object.assign(set, { voicemailReadyReason: e.reason, voicemailBeep: e.beep });
          break;
        case 'voicemail_started':
          Object.assign(set, { voicemailStartedMs: e.sinceAnswerMs, voicemailAfterBeepMs: e.afterBeepMs });
          break;
        case 'voicemail_finished':
          set.voicemailFinished = true;
          break;
        case 'machine_hangup':
          set.machineHangup = true;
          break;
        case 'opener_started':
          break; // in the transcript and the agent's log; nothing to keep here
      }
    }
    if (Object.keys(set).length) await tx.update(outboundCalls).set(set).where(eq(outboundCalls.id, row.id));
    return { ...row, ...set };
  });
}

/** How a call turned out, as the dashboard counts it. */
export function outboundOutcome(r: Pick<OutboundRow, 'status' | 'amdDecision' | 'voicemailStartedMs'>): OutboundOutcome {
  switch (r.status) {
    case 'queued':
    case 'dialing':
    case 'ringing':
      return 'pending';
    case 'busy':
    case 'no_answer':
    case 'failed':
    case 'cancelled':
      return r.status;
    case 'answered':
      if (r.amdDecision === 'human') return 'person';
      if (r.amdDecision === 'machine_greeting' || r.amdDecision === 'machine_beep') return r.voicemailStartedMs !== null ? 'machine_message' : 'machine_no_message';
      return 'answered_unknown';
  }
}

export function toOutboundView(r: OutboundRow, agent: string): OutboundCallView {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const machine = r.amdDecision === 'machine_greeting' || r.amdDecision === 'machine_beep';
  return {
    id: r.id,
    agent,
    number: r.number,
    status: r.status,
    outcome: outboundOutcome(r),
    source: r.source,
    failureReason: r.failureReason,
    sipStatusCode: r.sipStatusCode,
    sipStatus: r.sipStatus,
    room: r.room,
    timeZone: r.timeZone,
    consent: r.consent,
    createdAt: r.createdAt.toISOString(),
    notBefore: r.notBefore.toISOString(),
    dialedAt: iso(r.dialedAt),
    ringingAt: iso(r.ringingAt),
    answeredAt: iso(r.answeredAt),
    endedAt: iso(r.endedAt),
    amd:
      r.amdDecision && r.amdEvidence && r.amdTimeToDecisionMs !== null
        ? {
            decision: r.amdDecision,
            reason: r.amdReason as NonNullable<OutboundCallView['amd']>['reason'],
            firstDecision: r.amdFirstDecision,
            timeToDecisionMs: r.amdTimeToDecisionMs,
            evidence: r.amdEvidence,
          }
        : null,
    voicemail: machine
      ? { readyReason: r.voicemailReadyReason, startedSinceAnswerMs: r.voicemailStartedMs, afterBeepMs: r.voicemailAfterBeepMs, finished: r.voicemailFinished }
      : null,
  };
}

/** Outbound calls matching the filter, newest first, with their agent's slug. */
export async function listOutboundCalls(
  db: Db,
  f: { agent?: string; from?: Date; to?: Date; status?: OutboundStatus; limit?: number } = {},
): Promise<(OutboundRow & { agent: string })[]> {
  const where = [
    f.agent ? eq(agents.slug, f.agent) : undefined,
    f.from ? gte(outboundCalls.createdAt, f.from) : undefined,
    f.to ? lt(outboundCalls.createdAt, f.to) : undefined,
    f.status ? eq(outboundCalls.status, f.status) : undefined,
  ].filter((x) => x !== undefined);
  const rows = await db
    .select({ o: outboundCalls, agent: agents.slug })
    .from(outboundCalls)
    .innerJoin(agents, eq(agents.id, outboundCalls.agentId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(outboundCalls.createdAt), desc(outboundCalls.id))
    .limit(f.limit ?? 100);
  return rows.map((r) => ({ ...r.o, agent: r.agent }));
}

/**
 * Calls stuck in `dialing`/`ringing` longer than `maxAgeS` after dialling (a server died while
 * dialling): marked `failed` (`lost`). Returns how many.
 */
export async function failStuckDials(db: Db, now: Date, maxAgeS: number): Promise<number> {
  const rows = await db
    .update(outboundCalls)
    .set({ status: 'failed', failureReason: 'lost', endedAt: now })
    .where(and(inArray(outboundCalls.status, ['dialing', 'ringing']), lt(outboundCalls.dialedAt, new Date(now.getTime() - maxAgeS * 1000))))
    .returning({ id: outboundCalls.id });
  return rows.length;
}
