import { and, asc, desc, eq, gte, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import { type AgentTurnTimeline, type CallFilter, MAX_MODEL_FIRST_AUDIO_MS, type TurnLatency, type TurnVerification } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { agentReplies, agents, calls, demoLinks, turns } from '../db/schema.ts';
import { checkTurn } from '../turn-check.ts';
import { callWhere } from './calls.ts';
import type { Tx } from './tx.ts';

export type TurnRow = typeof turns.$inferSelect;

/**
 * Stores (or replaces) one turn the widget measured and checks it against the agent's timeline of
 * the reply it names (see turn-check.ts); returns the verdict. `trusted` turns (an operator's
 * measurement through the admin API) are stored verified.
 */
export async function upsertTurn(db: Db, callId: number, t: TurnLatency, trusted = false): Promise<TurnVerification> {
  return db.transaction(async (tx) => {
    const values = {
      callId,
      idx: t.index,
      speechEndAtMs: Math.round(t.speechEndAt),
      playStartAtMs: Math.round(t.playStartAt),
      perceivedMs: t.perceivedMs,
      overlap: t.overlap,
      endpointingMs: t.stages?.endpointingMs ?? null,
      modelMs: t.stages?.modelMs ?? null,
      agentOutMs: t.stages?.agentOutMs ?? null,
      networkPlayoutMs: t.stages?.networkPlayoutMs ?? null,
      endOfTurnSource: t.endOfTurnSource,
      clockUncertaintyMs: t.clockUncertaintyMs,
      responseId: t.responseId ?? null,
      verification: trusted ? ('verified' as const) : ('pending' as const),
      verificationNote: trusted ? 'measured by an operator' : null,
    };
    const { callId: _c, idx: _i, ...rest } = values;
    await tx
      .insert(turns)
      .values(values)
      .onConflictDoUpdate({ target: [turns.callId, turns.idx], set: { ...rest, receivedAt: new Date() } });
    return trusted ? 'verified' : verifyTurn(tx, callId, t.index);
  });
}

/**
 * Decides a pending turn if it can: no reply named, or the reply's timeline not here yet → stays
 * `pending`; the reply already counted for another turn → `unverified`; else {@link checkTurn}.
 */
async function verifyTurn(tx: Tx, callId: number, idx: number): Promise<TurnVerification> {
  const [turn] = await tx.select().from(turns).where(and(eq(turns.callId, callId), eq(turns.idx, idx)));
  if (!turn?.responseId) return 'pending';
  const [reply] = await tx
    .select()
    .from(agentReplies)
    .where(and(eq(agentReplies.callId, callId), eq(agentReplies.responseId, turn.responseId)));
  if (!reply) return 'pending';
  const [claimed] = await tx
    .select({ idx: turns.idx })
    .from(turns)
    .where(and(eq(turns.callId, callId), eq(turns.responseId, turn.responseId), eq(turns.verification, 'verified'), ne(turns.idx, idx)));
  const check = claimed
    ? { ok: false as const, reason: `the reply is already counted for turn ${claimed.idx}` }
    : checkTurn(
        {
          perceivedMs: turn.perceivedMs,
          overlap: turn.overlap,
          endOfTurnSource: turn.endOfTurnSource as TurnLatency['endOfTurnSource'],
          stages: turn.modelMs === null && turn.agentOutMs === null ? null : { endpointingMs: turn.endpointingMs, modelMs: turn.modelMs, agentOutMs: turn.agentOutMs, networkPlayoutMs: turn.networkPlayoutMs },
        },
        reply,
      );
  const verification: TurnVerification = check.ok ? 'verified' : 'unverified';
  await tx
    .update(turns)
    .set({ verification, verificationNote: check.ok ? null : check.reason })
    .where(and(eq(turns.callId, callId), eq(turns.idx, idx)));
  return verification;
}

/**
 * Stores the agent's timelines of a call's replies (a reply sent again replaces its copy) and
 * decides the pending turns that name them.
 */
export async function storeReplies(db: Db, callId: number, timelines: readonly AgentTurnTimeline[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const t of timelines) {
      const values = {
        callId,
        responseId: t.responseId,
        endOfTurnAtMs: t.endOfTurnAt === null ? null : Math.round(t.endOfTurnAt),
        endOfTurnSource: t.endOfTurnSource,
        responseCreatedAtMs: t.responseCreatedAt === null ? null : Math.round(t.responseCreatedAt),
        firstAudioDeltaAtMs: t.firstAudioDeltaAt === null ? null : Math.round(t.firstAudioDeltaAt),
        firstFramePublishedAtMs: t.firstFramePublishedAt === null ? null : Math.round(t.firstFramePublishedAt),
        interrupted: t.interrupted,
      };
      const { callId: _c, responseId: _r, ...rest } = values;
      await tx
        .insert(agentReplies)
        .values(values)
        .onConflictDoUpdate({ target: [agentReplies.callId, agentReplies.responseId], set: { ...rest, receivedAt: new Date() } });
    }
    const pending = await tx
      .select({ idx: turns.idx })
      .from(turns)
      .where(and(eq(turns.callId, callId), eq(turns.verification, 'pending'), inArray(turns.responseId, timelines.map((t) => t.responseId))))
      .orderBy(asc(turns.idx));
    for (const p of pending) await verifyTurn(tx, callId, p.idx);
  });
}

/**
 * Turns still pending in calls that ended before `endedBefore` become `unverified`: the agent
 * never reported a reply that fits. Returns how many.
 */
export async function expirePendingTurns(db: Db, endedBefore: Date): Promise<number> {
  const rows = await db
    .update(turns)
    .set({ verification: 'unverified', verificationNote: 'no agent timeline matched it before the call closed' })
    .where(
      and(
        eq(turns.verification, 'pending'),
        inArray(turns.callId, db.select({ id: calls.id }).from(calls).where(and(isNotNull(calls.endedAt), lt(calls.endedAt, endedBefore)))),
      ),
    )
    .returning({ callId: turns.callId });
  return rows.length;
}

/** Turns of the given calls, grouped by call id; `verifiedOnly` for aggregates. */
export async function turnsOfCalls(db: Db, callIds: number[], verifiedOnly = false): Promise<Map<number, TurnRow[]>> {
  const out = new Map<number, TurnRow[]>();
  if (callIds.length === 0) return out;
  const where = verifiedOnly ? and(inArray(turns.callId, callIds), eq(turns.verification, 'verified')) : inArray(turns.callId, callIds);
  const rows = await db.select().from(turns).where(where).orderBy(asc(turns.idx));
  for (const r of rows) {
    const list = out.get(r.callId) ?? [];
    list.push(r);
    out.set(r.callId, list);
  }
  return out;
}

/** One turn with the grouping keys the latency views need. */
export interface TurnSample {
  perceivedMs: number;
  overlap: boolean;
  agent: string;
  channel: 'web' | 'phone';
  /** UTC day of the call, `YYYY-MM-DD`. */
  day: string;
}

/**
 * Every verified turn of the calls matching `f` (at most `limit`, newest calls first): what
 * reports and dashboard aggregates are computed from. Pending and unverified turns never count.
 */
export async function turnSamples(db: Db, f: Partial<CallFilter>, limit = 100_000): Promise<TurnSample[]> {
  const rows = await db
    .select({
      perceivedMs: turns.perceivedMs,
      overlap: turns.overlap,
      agent: agents.slug,
      channel: calls.channel,
      createdAt: calls.createdAt,
    })
    .from(turns)
    .innerJoin(calls, eq(calls.id, turns.callId))
    .innerJoin(agents, eq(agents.id, calls.agentId))
    .leftJoin(demoLinks, eq(demoLinks.id, calls.demoLinkId))
    .where(callWhere(f, [eq(turns.verification, 'verified')]))
    .orderBy(desc(calls.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, day: r.createdAt.toISOString().slice(0, 10) }));
}

/** Count of a call's turns by verification (call detail, tests). */
export async function verificationCounts(db: Db, callId: number): Promise<Record<TurnVerification, number>> {
  const rows = await db
    .select({ v: turns.verification, n: sql<string>`count(*)` })
    .from(turns)
    .where(eq(turns.callId, callId))
    .groupBy(turns.verification);
  const out: Record<TurnVerification, number> = { pending: 0, verified: 0, unverified: 0 };
  for (const r of rows) out[r.v] = Number(r.n);
  return out;
}

/** Which stored replies {@link fastestModelFirstAudioMs} looks at: those of calls created in the last day, newest first, at most this many. */
export const MODEL_FIRST_AUDIO_WINDOW = { hours: 24, replies: 200 } as const;

/**
 * The fastest model reply among `agentId`'s recent calls (any configuration version):
 * `response.created` → first audio delta, both on the agent's clock, ms; the least over the
 * newest {@link MODEL_FIRST_AUDIO_WINDOW} replies with audio (a timeline whose audio came before its
 * response is ignored; the result is capped at `MAX_MODEL_FIRST_AUDIO_MS`). Null when there are none.
 * The least, not a percentile: the agent uses it to decide that a verdict can no longer be heard,
 * and an estimate too low only keeps asking (what a call without it does).
 */
export async function fastestModelFirstAudioMs(db: Db | Tx, agentId: number, now = new Date()): Promise<number | null> {
  const since = new Date(now.getTime() - MODEL_FIRST_AUDIO_WINDOW.hours * 3_600_000);
  const recent = db
    .select({ ms: sql<number>`${agentReplies.firstAudioDeltaAtMs} - ${agentReplies.responseCreatedAtMs}`.as('ms') })
    .from(agentReplies)
    .innerJoin(calls, eq(calls.id, agentReplies.callId))
    .where(
      and(
        eq(calls.agentId, agentId),
        isNotNull(agentReplies.firstAudioDeltaAtMs),
        isNotNull(agentReplies.responseCreatedAtMs),
        gte(agentReplies.firstAudioDeltaAtMs, agentReplies.responseCreatedAtMs),
        gte(calls.createdAt, since), // calls_agent_idx, then agent_replies' primary key
      ),
    )
    .orderBy(desc(agentReplies.receivedAt))
    .limit(MODEL_FIRST_AUDIO_WINDOW.replies)
    .as('recent');
  const [row] = await db.select({ fastest: sql<string | null>`min(${recent.ms})` }).from(recent);
  // Within what the agent's schema accepts, so one odd timeline never costs the agent its config.
  return row?.fastest == null ? null : Math.min(Number(row.fastest), MAX_MODEL_FIRST_AUDIO_MS);
}
