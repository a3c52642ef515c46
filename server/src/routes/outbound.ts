import { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AgentSlug, DoNotCallEntryInput, OutboundCallRequest, OutboundOutcome, type OutboundStats, OutboundStatus, OutboundTrunkSpec, summarize } from '@voice-widget/protocol';
import { requireAdminKey } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400, upstreamCaller } from '../errors.ts';
import { calleeNumber, calleeZones, refusal, refusalError } from '../outbound/compliance.ts';
import { findAgent } from '../repo/agents.ts';
import { addToDoNotCall, listDoNotCall, removeFromDoNotCall, toDoNotCallEntry } from '../repo/do-not-call.ts';
import { cancelOutbound, findOutboundCall, listOutboundCalls, outboundOutcome, queueOutboundCall, toOutboundView } from '../repo/outbound-calls.ts';
import { agents, outboundCalls } from '../db/schema.ts';
import { and, eq } from 'drizzle-orm';
import type { OutboundTrunks } from '../sip/outbound-trunks.ts';

/** What the outbound routes need; unset in {@link AppDeps} → they answer 503. */
export interface OutboundDeps {
  trunks: OutboundTrunks;
  /** Looks at the queue at once (the dialer, outbound/dialer.ts). */
  kick(): void;
}

const TRUNK_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const ListQuery = z
  .object({ agent: AgentSlug.optional(), status: OutboundStatus.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();
const StatsQuery = z.object({ agent: AgentSlug.optional(), from: z.iso.date().optional(), to: z.iso.date().optional() }).strict();

/**
 * Outbound calls, admin API (`Authorization: Bearer <admin key>`):
 * - `POST /api/admin/calls/outbound` ← {@link OutboundCallRequest} → 202 `{call, repeated}` (200 for a
 *   repeated idempotency key). Refusals, nothing dialled: 400 `invalid_number`, 404 `unknown_agent`,
 *   409 `outbound_trunk_missing`, 403 `do_not_call` / `outside_calling_hours` / `outbound_disabled`,
 *   422 `time_zone_unknown`, 429 `daily_cap_reached`, 503 `outbound_unavailable`.
 * - `GET /api/admin/calls/outbound[?agent&status&limit]`, `GET|DELETE /api/admin/calls/outbound/:id`
 *   (DELETE cancels a call not dialled yet);
 * - `GET /api/admin/do-not-call`, `PUT|DELETE /api/admin/do-not-call/:number`;
 * - `GET /api/admin/sip/outbound-trunks`, `PUT|DELETE /api/admin/sip/outbound-trunks/:name` ({@link OutboundTrunkSpec}, idempotent);
 * - `GET /api/admin/stats/outbound[?agent&from&to]`: outcomes per agent and AMD decision time P50/P95.
 * Mounted before the admin router (its `GET /api/admin/calls/:room` would take `outbound`).
 */
export function outboundAdminRouter(deps: { db: Db; log: Logger; outbound?: OutboundDeps }): Router {
  const { db, log } = deps;
  const router = Router();
  router.use(['/api/admin/calls/outbound', '/api/admin/do-not-call', '/api/admin/sip/outbound-trunks', '/api/admin/stats/outbound'], requireAdminKey(db));
  const outbound = () => {
    if (!deps.outbound) throw new HttpError(503, 'outbound_unavailable', 'outbound calling is not configured on this server (no LiveKit SIP) — nothing was dialled');
    return deps.outbound;
  };
  const upstream = upstreamCaller(log, 'LiveKit SIP');

  router.post('/api/admin/calls/outbound', async (req, res) => {
    const body = parseOr400(OutboundCallRequest, req.body ?? {}, 'outbound call');
    const agent = await findAgent(db, body.agent);
    if (!agent) throw new HttpError(404, 'unknown_agent', `no agent "${body.agent}" — nothing was dialled`);
    if (!agent.enabled) throw new HttpError(409, 'agent_disabled', `agent "${body.agent}" is disabled — nothing was dialled`);
    const number = calleeNumber(body.number);
    const header = req.get('Idempotency-Key');
    const idempotencyKey = body.idempotencyKey ?? (header && /^[\x21-\x7e]{8,128}$/.test(header) ? header : undefined);
    if (idempotencyKey) {
      const [prior] = await db.select().from(outboundCalls).where(and(eq(outboundCalls.agentId, agent.id), eq(outboundCalls.idempotencyKey, idempotencyKey)));
      if (prior) return void res.status(200).json({ call: toOutboundView(prior, agent.slug), repeated: true });
    }
    const ob = outbound();
    const settings = agent.config.outbound;
    const zones = calleeZones(number, body.timeZone);
    const refused = await refusal(db, { number, zones, hours: settings.callingHours, maxCallsPerDay: settings.maxCallsPerDay });
    if (refused) throw refusalError(refused, settings.callingHours, zones);
    const trunk = await upstream('looking up the outbound trunk', () => ob.trunks.find(settings.trunk));
    if (!trunk) throw new HttpError(409, 'outbound_trunk_missing', `no outbound SIP trunk "${settings.trunk}" (PUT /api/admin/sip/outbound-trunks/${settings.trunk}) — nothing was dialled`);
    const { row, repeated } = await queueOutboundCall(db, {
      agentId: agent.id,
      number,
      context: body.context,
      timeZone: body.timeZone ?? null,
      ringTimeoutS: body.ringTimeoutS ?? null,
      source: 'admin',
      idempotencyKey: idempotencyKey ?? null,
      notBefore: new Date(),
      maxCallsPerDay: settings.maxCallsPerDay,
    });
    if (!repeated) ob.kick();
    log.info({ id: row.id, agent: agent.slug, repeated }, 'outbound call queued');
    res.status(repeated ? 200 : 202).json({ call: toOutboundView(row, agent.slug), repeated });
  });

  router.get('/api/admin/calls/outbound', async (req, res) => {
    const q = parseOr400(ListQuery, req.query, 'query');
    res.json({ calls: (await listOutboundCalls(db, q)).map((r) => toOutboundView(r, r.agent)) });
  });
  const byId = async (v: unknown) => {
    const id = z.coerce.number().int().min(1).max(2 ** 31 - 1).safeParse(v);
    if (!id.success) throw HttpError.notFound('outbound call');
    const row = await findOutboundCall(db, id.data);
    if (!row) throw HttpError.notFound('outbound call');
    const [agent] = await db.select({ slug: agents.slug }).from(agents).where(eq(agents.id, row.agentId));
    return { row, agent: agent!.slug };
  };
  router.get('/api/admin/calls/outbound/:id', async (req, res) => {
    const { row, agent } = await byId(req.params.id);
    res.json(toOutboundView(row, agent));
  });
  router.delete('/api/admin/calls/outbound/:id', async (req, res) => {
    const { row } = await byId(req.params.id);
    if (!(await cancelOutbound(db, row.id, 'cancelled_by_operator'))) throw new HttpError(409, 'already_dialled', 'the call is being dialled or has ended; it can no longer be cancelled');
    res.status(204).end();
  });

  const numberParam = (v: unknown) => calleeNumber(String(v ?? ''));
  router.get('/api/admin/do-not-call', async (_req, res) => {
    res.json({ numbers: (await listDoNotCall(db)).map(toDoNotCallEntry) });
  });
  router.put('/api/admin/do-not-call/:number', async (req, res) => {
    const number = numberParam(req.params.number);
    const body = parseOr400(DoNotCallEntryInput, req.body ?? {}, 'do-not-call entry');
    const added = await addToDoNotCall(db, number, { source: 'admin', note: body.note });
    const cancelled = await cancelQueuedTo(db, number);
    res.status(added ? 201 : 200).json({ number, added, cancelled });
  });
  router.delete('/api/admin/do-not-call/:number', async (req, res) => {
    if (!(await removeFromDoNotCall(db, numberParam(req.params.number)))) throw HttpError.notFound('number on the do-not-call list');
    res.status(204).end();
  });

  const trunkName = (v: unknown) => {
    if (typeof v !== 'string' || !TRUNK_NAME.test(v)) throw new HttpError(400, 'invalid_request', 'name: 1–64 of A-Z a-z 0-9 . _ -');
    return v;
  };
  router.get('/api/admin/sip/outbound-trunks', async (_req, res) => {
    res.json({ trunks: await upstream('listing outbound trunks', () => outbound().trunks.list()) });
  });
  router.put('/api/admin/sip/outbound-trunks/:name', async (req, res) => {
    const spec = parseOr400(OutboundTrunkSpec, req.body ?? {}, 'outbound trunk');
    const r = await upstream('provisioning an outbound trunk', () => outbound().trunks.put(trunkName(req.params.name), spec));
    res.status(r.action === 'created' ? 201 : 200).json(r);
  });
  router.delete('/api/admin/sip/outbound-trunks/:name', async (req, res) => {
    res.json({ deleted: await upstream('deleting an outbound trunk', () => outbound().trunks.delete(trunkName(req.params.name))) });
  });

  router.get('/api/admin/stats/outbound', async (req, res) => {
    const q = parseOr400(StatsQuery, req.query, 'query');
    res.json(await outboundStats(db, q));
  });
  return router;
}

/** Cancels every call to `number` not dialled yet (it was just put on the do-not-call list); returns how many. */
export async function cancelQueuedTo(db: Db, number: string): Promise<number> {
  const rows = await db
    .update(outboundCalls)
    .set({ status: 'cancelled', failureReason: 'do_not_call', endedAt: new Date() })
    .where(and(eq(outboundCalls.number, number), eq(outboundCalls.status, 'queued')))
    .returning({ id: outboundCalls.id });
  return rows.length;
}

/** Outcomes per agent and AMD time to decision (first decision, ms from answer) as count/P50/P95/max. */
export async function outboundStats(db: Db, q: { agent?: string; from?: string; to?: string }): Promise<OutboundStats> {
  const rows = await listOutboundCalls(db, {
    agent: q.agent,
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
    limit: 100_000,
  });
  const by = new Map<string, typeof rows>();
  for (const r of rows) by.set(r.agent, [...(by.get(r.agent) ?? []), r]);
  return {
    byAgent: [...by.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([agent, list]) => {
        const outcomes = Object.fromEntries(OutboundOutcome.options.map((o) => [o, 0])) as Record<OutboundOutcome, number>;
        for (const r of list) outcomes[outboundOutcome(r)] += 1;
        const amd = list.filter((r) => r.amdTimeToDecisionMs !== null).map((r) => r.amdTimeToDecisionMs!);
        return { agent, total: list.length, outcomes, amdDecisionMs: summarize(amd) };
      }),
  };
}
