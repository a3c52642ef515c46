import { eq } from 'drizzle-orm';
import type { ColdTransferPayload, HandoffRequest, HandoffState } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { cases } from '../db/schema.ts';
import { HttpError } from '../errors.ts';
import { type AgentRow, agentSecret } from '../repo/agents.ts';
import type { CallRow } from '../repo/calls.ts';
import { createCase } from '../repo/customers.ts';
import {
  type HandoffRow,
  expireToCallback,
  onlineCount,
  openColdHandoff,
  openWarmHandoff,
  queuePosition,
  recordPackage,
} from '../repo/handoffs.ts';
import { EndpointError, postSigned } from '../tools/endpoint.ts';
import { callbackContact } from './contact.ts';
import { buildPackage } from './package.ts';

/** What the hand-off operations need. */
export interface HandoffDeps {
  db: Db;
  log: Logger;
  /** HTTP client for the cold-transfer package endpoint (tests inject one). */
  fetch?: typeof fetch;
  /** Told after every change, so open consoles refresh at once (queue-feed.ts). */
  changed?: () => void;
}

/**
 * The caller asked for a person (protocol `HandoffRequest`):
 * - warm: queued (or the open request returned); with nobody signed in to the console, turned
 *   into a callback at once — waiting for nobody would be a promise the system cannot keep;
 * - cold: recorded, its package built and POSTed signed to the agent's `packageEndpoint`; the
 *   reply (and so the agent's REFER) comes only after the endpoint answered or failed.
 * @throws HttpError 400 `transfer_target_required` for a cold request without a target.
 */
export async function requestHandoff(deps: HandoffDeps, call: CallRow, agent: AgentRow, req: HandoffRequest): Promise<HandoffState> {
  if (req.kind === 'cold') {
    if (!req.transferTo) throw new HttpError(400, 'transfer_target_required', 'a cold transfer needs transferTo');
    const row = await openColdHandoff(deps.db, call, req, req.transferTo);
    const delivered = await deliverCold(deps, call, agent, row, req.transferTo);
    deps.changed?.();
    return { ...(await handoffState(deps.db, row)), packageDelivered: delivered === true };
  }
  const { row, created } = await openWarmHandoff(deps.db, call, req, agent.config.handoff.waitLimitS);
  deps.changed?.();
  if (created && (await onlineCount(deps.db)) === 0) {
    deps.log.info({ room: call.room, handoff: row.id }, 'nobody online to take the call: callback');
    return expireHandoff(deps, call, row);
  }
  return handoffState(deps.db, row);
}

/**
 * The wait limit passed (the agent asks): a still-waiting hand-off becomes a callback case with
 * the package and the caller's contact (callbackContact); one taken in the meantime stays taken.
 * Returns the hand-off's state either way.
 */
export async function expireHandoff(deps: HandoffDeps, call: CallRow, row: HandoffRow): Promise<HandoffState> {
  const expired = await expireToCallback(deps.db, row.id);
  if (!expired) return handoffState(deps.db, row);
  const pkg = await buildPackage(deps.db, call, expired);
  const { contact } = await callbackContact(deps.db, call);
  const caseId = await createCase(deps.db, {
    customerId: call.verifiedCustomerId,
    callId: call.id,
    category: 'callback',
    summary: `Callback: asked for a person, nobody was free after ${Math.round((Date.now() - expired.requestedAt.getTime()) / 1000)} s. ${pkg.summary}`.slice(0, 2_000),
    contact,
  });
  await recordPackage(deps.db, row.id, pkg, new Date(), { caseId });
  deps.changed?.();
  deps.log.info({ room: call.room, handoff: row.id, case: caseId, contact: contact !== null }, 'hand-off became a callback case');
  return handoffState(deps.db, { ...expired, caseId });
}

/** A hand-off as the agent sees it (protocol `HandoffState`). */
export async function handoffState(db: Db, row: HandoffRow, now = new Date()): Promise<HandoffState> {
  let callback: HandoffState['callback'] = null;
  if (row.status === 'callback' && row.caseId !== null) {
    const [c] = await db.select({ contact: cases.contact }).from(cases).where(eq(cases.id, row.caseId));
    const contact = c?.contact ?? null;
    callback = { caseId: row.caseId, contact: contact === null ? 'none' : contact.includes('@') ? 'email' : 'phone' };
  }
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    position: await queuePosition(db, row),
    online: await onlineCount(db, now),
    waitLimitS: row.waitLimitS,
    waitedS: Math.max(0, (now.getTime() - row.requestedAt.getTime()) / 1000),
    person: row.personIdentity && row.personName ? { identity: row.personIdentity, name: row.personName } : null,
    callback,
    packageDelivered: row.endpointDelivered === true,
  };
}

/**
 * Builds the cold transfer's package, keeps it (the console lists it under the caller's number)
 * and POSTs it to the agent's `packageEndpoint`, signed with the agent's secret like tool
 * endpoints, `Idempotency-Key: handoff-<id>`. Returns whether the endpoint took it (2xx), or null
 * when none is configured. Never throws: the caller is transferred either way.
 */
async function deliverCold(deps: HandoffDeps, call: CallRow, agent: AgentRow, row: HandoffRow, transferTo: string): Promise<boolean | null> {
  const pkg = await buildPackage(deps.db, call, row);
  const endpoint = agent.config.handoff.packageEndpoint;
  if (!endpoint) {
    await recordPackage(deps.db, row.id, pkg, new Date(), { endpointDelivered: null });
    return null;
  }
  const payload: ColdTransferPayload = { type: 'handoff.cold_transfer', handoff: row.id, transferTo, package: pkg };
  let delivered = false;
  try {
    await postSigned(endpoint, await agentSecret(deps.db, agent.id), JSON.stringify(payload), { 'Idempotency-Key': `handoff-${row.id}` }, deps.fetch);
    delivered = true;
  } catch (err) {
    deps.log.warn({ room: call.room, handoff: row.id, err: err instanceof EndpointError ? err.message : String(err) }, 'cold-transfer package not delivered');
  }
  await recordPackage(deps.db, row.id, pkg, delivered ? new Date() : null, { endpointDelivered: delivered });
  return delivered;
}
