import { eq } from 'drizzle-orm';
import { type CallFilter, type HandoffMetrics, summarize } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { agents, calls, demoLinks, handoffs } from '../db/schema.ts';
import { callWhere } from '../repo/calls.ts';
import type { HandoffRow } from '../repo/handoffs.ts';

/**
 * Hand-off metrics (protocol `HandoffMetrics`) over the calls matching `f`. Time to a person is
 * request → the person's first audio on the agent's clock (both ends are agent-clock times; the
 * first audio is the caller's page's when it reported it, else what the room received). A package
 * counts as delivered before the person spoke when the person who took the call was given it (the
 * take reply, server clock) no later than their first audio, or, for a cold transfer, when the
 * endpoint accepted it (or, with no endpoint, the console listed it) — before the REFER.
 */
export async function handoffMetrics(db: Db, f: Partial<CallFilter>): Promise<HandoffMetrics> {
  const rows = (
    await db
      .select({ h: handoffs })
      .from(handoffs)
      .innerJoin(calls, eq(calls.id, handoffs.callId))
      .innerJoin(agents, eq(agents.id, calls.agentId))
      .leftJoin(demoLinks, eq(demoLinks.id, calls.demoLinkId))
      .where(callWhere({ ...f, limit: undefined }))
  ).map((r) => r.h);
  return metricsOf(rows);
}

/** {@link handoffMetrics} of given rows. Pure. */
export function metricsOf(rows: readonly HandoffRow[]): HandoffMetrics {
  const taken = rows.filter((h) => h.kind === 'warm' && h.takenByKeyId !== null);
  const heard = taken.filter((h) => h.personAudioAtMs !== null);
  const cold = rows.filter((h) => h.kind === 'cold');
  const deliveredWarm = heard.filter((h) => h.packageDeliveredAt !== null && h.packageDeliveredAt.getTime() <= h.personAudioAtMs!).length;
  const deliveredCold = cold.filter((h) => h.endpointDelivered === true || (h.endpointDelivered === null && h.packageDeliveredAt !== null)).length;
  const of = heard.length + cold.length;
  return {
    requested: rows.length,
    taken: taken.length,
    callbacks: rows.filter((h) => h.status === 'callback').length,
    cold: cold.length,
    cancelled: rows.filter((h) => h.status === 'cancelled' && h.takenByKeyId === null).length,
    timeToPersonMs: summarize(heard.map((h) => h.personAudioAtMs! - h.requestAtMs)),
    packageBeforeSpeech: { delivered: deliveredWarm + deliveredCold, of, share: of ? (deliveredWarm + deliveredCold) / of : null },
  };
}
