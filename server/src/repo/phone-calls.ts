import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { calls } from '../db/schema.ts';
import type { AgentRow } from './agents.ts';
import type { CallRow } from './calls.ts';

/**
 * Records a phone call when the agent reports it (the SIP dispatch rule created the room, so no
 * session request came first). Idempotent per room: a repeated report returns the existing call.
 * The caller is already in the room, so it counts as joined now; the agent's call length limit
 * applies (the server ends the call by deleting the room). Concurrency and daily minutes are not
 * refused here — the phone is already ringing — but the call counts toward them for web calls;
 * cap phone concurrency at the carrier or trunk.
 */
export async function openPhoneCall(
  db: Db,
  input: { room: string; callerIdentity: string; agent: AgentRow; callerNumber: string | null; hintedCustomerId: string | null },
  now = new Date(),
): Promise<CallRow> {
  await db
    .insert(calls)
    .values({
      room: input.room,
      agentId: input.agent.id,
      agentVersion: input.agent.version,
      channel: 'phone',
      callerIdentity: input.callerIdentity,
      origin: null,
      ipHash: null,
      createdAt: now,
      joinedAt: now,
      maxDurationS: input.agent.config.limits.maxCallSeconds,
      callerNumber: input.callerNumber,
      hintedCustomerId: input.hintedCustomerId,
    })
    .onConflictDoNothing({ target: calls.room });
  const [row] = await db.select().from(calls).where(eq(calls.room, input.room));
  return row!;
}

/**
 * Records an outbound call before its room exists (the dialer, server/src/outbound/dialer.ts):
 * channel `phone`, the callee as the remote party (`callerIdentity`/`callerNumber` name the other
 * end of the line, whoever dialled), the customer their number hints at, and for a demo-link
 * callback the link and the call's time limit (reserved by the caller in the same transaction).
 */
export async function openOutboundCallRecord(
  db: Db | Tx,
  input: { room: string; calleeIdentity: string; agent: AgentRow; number: string; hintedCustomerId: string | null; demoLinkId: number | null; ipHash: string | null; maxDurationS: number | null },
  now = new Date(),
): Promise<CallRow> {
  const [row] = await db
    .insert(calls)
    .values({
      room: input.room,
      agentId: input.agent.id,
      agentVersion: input.agent.version,
      channel: 'phone',
      callerIdentity: input.calleeIdentity,
      origin: null,
      ipHash: input.ipHash,
      demoLinkId: input.demoLinkId,
      createdAt: now,
      callerNumber: input.number,
      hintedCustomerId: input.hintedCustomerId,
      maxDurationS: input.maxDurationS,
    })
    .returning();
  return row!;
}
