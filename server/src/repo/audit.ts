import { and, asc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import type { AuditEvent, AuditView, GuardDecision } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { toolCalls } from '../db/schema.ts';
import { redactPii } from '../redact/index.ts';

export type AuditRow = typeof toolCalls.$inferSelect;

/** The columns of one audit entry, PII-redacted (arguments, result, confirmation text). */
export function auditValues(callId: number, e: AuditEvent, attempts = 1): typeof toolCalls.$inferInsert {
  return {
    callId,
    tool: e.tool,
    arguments: redactPii(e.args).slice(0, 4_000),
    decision: e.decision,
    reason: e.reason ?? null,
    confirmation: e.confirmation ? { text: redactPii(e.confirmation.text).slice(0, 500), atMs: e.confirmation.atMs } : null,
    idempotencyKey: e.idempotencyKey ?? null,
    attempts,
    result: e.result === undefined ? null : redactPii(e.result).slice(0, 4_000),
    durationMs: e.durationMs ?? null,
    atMs: e.atMs,
  };
}

/** Appends entries the agent reported (refusals, confirmation requests, agent-side tools). */
export async function appendAudit(db: Db | Tx, callId: number, events: AuditEvent[]): Promise<void> {
  if (events.length > 0) await db.insert(toolCalls).values(events.map((e) => auditValues(callId, e)));
}

/** The entry of an idempotency key, locked for the transaction, or undefined. */
export async function auditByKey(tx: Tx, key: string): Promise<AuditRow | undefined> {
  const [row] = await tx.select().from(toolCalls).where(eq(toolCalls.idempotencyKey, key)).for('update');
  return row;
}

/** Counts one more attempt of an entry (a retried state change). Returns the new count. */
export async function bumpAttempts(tx: Db | Tx, id: number, by = 1): Promise<number> {
  const [row] = await tx
    .update(toolCalls)
    .set({ attempts: sql`${toolCalls.attempts} + ${by}` })
    .where(eq(toolCalls.id, id))
    .returning({ attempts: toolCalls.attempts });
  return row!.attempts;
}

/** Records the outcome of an entry written before its tool ran (customer endpoints). */
export async function settleAudit(db: Db, id: number, outcome: { decision: GuardDecision; result?: string; reason?: string; durationMs: number }): Promise<void> {
  await db
    .update(toolCalls)
    .set({
      decision: outcome.decision,
      result: outcome.result === undefined ? null : redactPii(outcome.result).slice(0, 4_000),
      replayResult: outcome.decision === 'allowed' ? (outcome.result ?? null) : null,
      reason: outcome.reason ?? null,
      durationMs: outcome.durationMs,
    })
    .where(eq(toolCalls.id, id));
}

/** A call's audit trail in order. */
export async function listAudit(db: Db, callId: number): Promise<AuditView[]> {
  const rows = await db.select().from(toolCalls).where(eq(toolCalls.callId, callId)).orderBy(asc(toolCalls.atMs), asc(toolCalls.id));
  return rows.map((r, seq) => ({
    seq,
    tool: r.tool,
    args: r.arguments,
    decision: r.decision,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.confirmation ? { confirmation: r.confirmation } : {}),
    ...(r.idempotencyKey ? { idempotencyKey: r.idempotencyKey } : {}),
    ...(r.result !== null ? { result: r.result } : {}),
    ...(r.durationMs !== null ? { durationMs: r.durationMs } : {}),
    atMs: r.atMs,
    attempts: r.attempts,
  }));
}

/** How long the unredacted result of a state change is kept for a retried request, seconds. */
export const REPLAY_WINDOW_S = 15 * 60;

/** The answer a retried request gets: the unredacted result while it is kept, else the redacted one. */
export const replayOf = (row: AuditRow): string => row.replayResult ?? row.result!;

/** Drops the unredacted results older than `before` (the sweeper, every pass). Returns how many. */
export async function clearReplayResults(db: Db, before: Date): Promise<number> {
  const rows = await db
    .update(toolCalls)
    .set({ replayResult: null })
    .where(and(isNotNull(toolCalls.replayResult), lt(toolCalls.atMs, before.getTime())))
    .returning({ id: toolCalls.id });
  return rows.length;
}
