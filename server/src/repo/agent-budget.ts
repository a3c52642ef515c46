import { and, count, eq, gt, gte, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { AgentLimits } from '@voice-widget/protocol';
import { agents, calls } from '../db/schema.ts';
import { HttpError } from '../errors.ts';
import type { AgentRow } from './agents.ts';
import type { Tx } from './tx.ts';

/** A call shorter than this is not worth starting (the budget counts as spent), seconds. */
export const MIN_CALL_S = 15;

/** What a caller (the widget shows it) is told for each agent budget that refuses a call. */
export const AGENT_MESSAGES = {
  demoOnly: 'This assistant takes calls from its demo links only. Open the link you were given.',
  busy: 'All lines of this assistant are busy right now. Please try again in a minute.',
  ipRate: 'You have started the most calls allowed per hour from your network. Please try again later.',
  daily: 'This assistant has used its talk time for today. Please try again tomorrow.',
} as const;

/**
 * Calls that hold a concurrency slot at `now`: open, and either joined or still inside their join
 * window (a prefetched session nobody clicked frees its slot at `joinBy`, before LiveKit closes it).
 */
export function holdsSlot(now: Date) {
  return and(isNull(calls.endedAt), or(isNotNull(calls.joinedAt), gt(calls.joinBy, now), isNull(calls.joinBy)));
}

/** Start of the UTC day of `now`. */
export const utcDayStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * Checks the agent's budgets (config `limits`) inside the caller's transaction — the agent row is
 * locked, so concurrent session requests for one agent are serialised — and returns how long the
 * new call may last, seconds. Today's talk time is what ended calls used plus the full allowance
 * of calls in progress, so the daily budget is never overrun.
 * @throws HttpError 429 `agent_busy` (concurrent calls), `rate_limited` (new calls per IP per
 *   hour), `daily_budget_spent` (minutes per day), each with a message for the caller.
 */
export async function reserveAgentCall(tx: Tx, agent: AgentRow, ipHash: string | null, now = new Date()): Promise<number> {
  const limits: AgentLimits = agent.config.limits;
  await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, agent.id)).for('update');
  const [open] = await tx.select({ n: count() }).from(calls).where(and(eq(calls.agentId, agent.id), holdsSlot(now)));
  if (open!.n >= limits.maxConcurrentCalls) throw new HttpError(429, 'agent_busy', AGENT_MESSAGES.busy);
  if (ipHash !== null) {
    const [recent] = await tx
      .select({ n: count() })
      .from(calls)
      .where(and(eq(calls.agentId, agent.id), eq(calls.ipHash, ipHash), gt(calls.createdAt, new Date(now.getTime() - 3_600_000))));
    if (recent!.n >= limits.newCallsPerIpPerHour) throw new HttpError(429, 'rate_limited', AGENT_MESSAGES.ipRate);
  }
  const [today] = await tx
    .select({
      used: sql<string>`coalesce(sum(case when ${calls.endedAt} is null then ${calls.maxDurationS} else ${calls.talkSeconds} end), 0)`,
    })
    .from(calls)
    .where(and(eq(calls.agentId, agent.id), or(isNull(calls.endedAt), gte(calls.createdAt, utcDayStart(now)))));
  const remaining = limits.minutesPerDay * 60 - Number(today!.used);
  const grant = Math.floor(Math.min(limits.maxCallSeconds, remaining));
  if (grant < MIN_CALL_S) throw new HttpError(429, open!.n > 0 ? 'agent_busy' : 'daily_budget_spent', open!.n > 0 ? AGENT_MESSAGES.busy : AGENT_MESSAGES.daily);
  return grant;
}
