import type { ContextPackage, PackageAction } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { findAgentById } from '../repo/agents.ts';
import { listAudit } from '../repo/audit.ts';
import type { CallRow } from '../repo/calls.ts';
import type { HandoffRow } from '../repo/handoffs.ts';
import { liveLines } from '../repo/live.ts';
import { CONTROL_TOOLS, handoffSummary, parseArgs } from './summary.ts';

/** Most transcript lines a package carries (the newest). */
export const PACKAGE_TRANSCRIPT_LINES = 200;

/**
 * The context package of a hand-off (protocol `ContextPackage`), from what the server stored
 * about the call at this moment: who the caller is (verified or not, and how — never a name for
 * an unverified caller), the job and what the agent's tools collected, the audit trail, the live
 * transcript and the deterministic summary (summary.ts). Everything is as stored: PII-redacted.
 */
export async function buildPackage(db: Db, call: CallRow, handoff: HandoffRow): Promise<ContextPackage> {
  const [agent, audit, live] = await Promise.all([findAgentById(db, call.agentId), listAudit(db, call.id), liveLines(db, call.id)]);
  const actions: PackageAction[] = audit.map((a) => ({
    tool: a.tool,
    decision: a.decision,
    reason: a.reason ?? null,
    said: saidOf(a.result),
    atMs: a.atMs,
  }));
  const jobs = audit.filter((a) => !CONTROL_TOOLS.has(a.tool));
  const collected: Record<string, string> = {};
  for (const a of jobs) if (a.decision !== 'refused' || a.reason !== 'tool_not_enabled') Object.assign(collected, parseArgs(a.args));
  const verified = call.verifiedCustomerId !== null;
  const caller: ContextPackage['caller'] = {
    verified,
    method: verified ? call.verificationMethod : null,
    name: verified ? call.verifiedName : null,
    customerId: call.verifiedCustomerId,
    number: call.callerNumber,
    numberKnown: call.hintedCustomerId !== null,
  };
  const transcript = live.lines.slice(-PACKAGE_TRANSCRIPT_LINES).map((l) => ({ speaker: l.speaker, text: l.text, atMs: l.atMs }));
  return {
    room: call.room,
    channel: call.channel,
    agent: agent?.slug ?? '',
    caller,
    reason: handoff.reason,
    summary: handoffSummary({
      channel: call.channel,
      caller,
      reason: handoff.reason,
      via: handoff.via,
      actions,
      args: audit.map((a) => a.args),
      transcript,
    }),
    job: jobs[0]?.tool ?? null,
    collected,
    actions,
    transcript,
    requestedAt: handoff.requestedAt.toISOString(),
  };
}

/** The `say` of a tool result (JSON text), if any. */
function saidOf(result: string | undefined): string | null {
  if (!result) return null;
  try {
    const v = JSON.parse(result) as { say?: unknown };
    return typeof v.say === 'string' ? v.say : null;
  } catch {
    return null;
  }
}
