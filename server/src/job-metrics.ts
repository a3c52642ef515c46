import { eq, notInArray, sql } from 'drizzle-orm';
import type { CallFilter } from '@voice-widget/protocol';
import type { Db } from './db/client.ts';
import { agents, calls, demoLinks, toolCalls } from './db/schema.ts';
import { callWhere } from './repo/calls.ts';

/** Tools that are not a caller's job (how a call is handled, not what it was for). */
const NOT_JOBS = ['verify_caller', 'end_call', 'transfer_to_human'];

/**
 * Containment by job: for each tool (the caller's job), over the calls where the model proposed it:
 * - `started`: calls with the job;
 * - `completed`: the tool ran (an `allowed` entry): the agent did the job itself;
 * - `escalated`: not completed, and the call was handed to a person;
 * - `abandoned`: not completed, not handed over, and the call ended;
 * (the rest are still open). `containment` = completed / started.
 */
export interface JobMetrics {
  job: string;
  started: number;
  completed: number;
  escalated: number;
  abandoned: number;
  containment: number | null;
}

/** {@link JobMetrics} per job for the calls matching `f`, most started first. */
export async function jobMetrics(db: Db, f: Partial<CallFilter>): Promise<JobMetrics[]> {
  const rows = await db
    .select({
      job: toolCalls.tool,
      callId: calls.id,
      completed: sql<boolean>`bool_or(${toolCalls.decision} = 'allowed')`,
      outcome: calls.outcome,
      ended: sql<boolean>`${calls.endedAt} is not null`,
    })
    .from(toolCalls)
    .innerJoin(calls, eq(calls.id, toolCalls.callId))
    .innerJoin(agents, eq(agents.id, calls.agentId))
    .leftJoin(demoLinks, eq(demoLinks.id, calls.demoLinkId))
    .where(callWhere({ ...f, limit: undefined }, [notInArray(toolCalls.tool, NOT_JOBS)]))
    .groupBy(toolCalls.tool, calls.id, calls.outcome, calls.endedAt);
  const byJob = new Map<string, JobMetrics>();
  for (const r of rows) {
    const m = byJob.get(r.job) ?? { job: r.job, started: 0, completed: 0, escalated: 0, abandoned: 0, containment: null };
    m.started += 1;
    if (r.completed) m.completed += 1;
    else if (r.outcome === 'transferred') m.escalated += 1;
    else if (r.ended) m.abandoned += 1;
    byJob.set(r.job, m);
  }
  return [...byJob.values()]
    .map((m) => ({ ...m, containment: m.started ? m.completed / m.started : null }))
    .sort((a, b) => b.started - a.started || a.job.localeCompare(b.job));
}
