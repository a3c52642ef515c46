import express, { Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import {
  DispatchRuleSpec,
  InboundTrunkSpec,
  PhoneCallStart,
  type PhoneCallStartResponse,
  PhoneTurnsUpload,
  normalizePhoneNumber,
} from '@voice-widget/protocol';
import { requireAdminKey, verifyRoomToken } from '../auth.ts';
import { agentConfigReply } from './agent-config-reply.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400, upstreamCaller } from '../errors.ts';
import { findAgent, findAgentById } from '../repo/agents.ts';
import { findCall } from '../repo/calls.ts';
import { findCustomerByPhone } from '../repo/customers.ts';
import { upsertTurn } from '../repo/turns.ts';
import { openPhoneCall } from '../repo/phone-calls.ts';
import type { SipProvisioner } from '../sip/provision.ts';

export interface PhoneRouteDeps {
  db: Db;
  verifier: TokenVerifier;
  log: Logger;
  /** LiveKit SIP provisioning; unset → the SIP admin routes answer 503. */
  sip?: SipProvisioner;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Phone callers (issue 6):
 * - agent: `POST /api/calls/:room/phone` ← {@link PhoneCallStart} → {@link PhoneCallStartResponse}
 *   (opens the call record with the caller's number and the customer it hints at; returns the
 *   agent configuration and whether the number is known — no customer data before verification;
 *   repeated by a resumed agent, it finds the open record and returns the caller verified on it);
 * - admin (`Authorization: Bearer <admin key>`):
 *   `GET /api/admin/sip/trunks`, `PUT|DELETE /api/admin/sip/trunks/:name` ({@link InboundTrunkSpec}),
 *   `GET /api/admin/sip/dispatch-rules`, `PUT|DELETE /api/admin/sip/dispatch-rules/:name` ({@link DispatchRuleSpec}),
 *   `POST /api/admin/calls/:room/turns` ({@link PhoneTurnsUpload}: latency measured from a caller recording).
 * PUTs are idempotent: `{action: 'created' | 'unchanged' | 'replaced', …}`.
 */
export function phoneRouter(deps: PhoneRouteDeps): Router {
  const { db, log } = deps;
  const router = Router();
  router.use(['/api/calls', '/api/admin'], express.json({ limit: 256 * 1024 }));

  router.post('/api/calls/:room/phone', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const body = parseOr400(PhoneCallStart, req.body ?? {}, 'phone call');
    const existing = await findCall(db, room);
    const current = await findAgent(db, body.agent);
    if (!existing && (!current || !current.enabled)) throw new HttpError(404, 'unknown_agent', `no agent "${body.agent}"`);
    const number = body.callerNumber ? normalizePhoneNumber(body.callerNumber) : null;
    const hinted = number ? await findCustomerByPhone(db, number) : undefined;
    const call =
      existing ??
      (await openPhoneCall(db, { room, callerIdentity: body.callerIdentity, agent: current!, callerNumber: number, hintedCustomerId: hinted?.id ?? null }));
    const agent = await findAgentById(db, call.agentId, call.agentVersion);
    if (!agent) throw HttpError.notFound('agent version');
    // A resumed agent's start finds the open call: a caller who proved who they are stays verified.
    const config = await agentConfigReply(db, call, agent);
    const reply: PhoneCallStartResponse = { config, callerKnown: call.hintedCustomerId !== null };
    log.info({ room, agent: agent.slug, known: reply.callerKnown }, 'phone call started');
    res.json(reply);
  });

  router.use('/api/admin/sip', requireAdminKey(db));
  router.use('/api/admin/calls/:room/turns', requireAdminKey(db));

  const sip = () => {
    if (!deps.sip) throw new HttpError(503, 'sip_unavailable', 'SIP provisioning is not configured on this server');
    return deps.sip;
  };
  const name = (v: unknown) => {
    if (typeof v !== 'string' || !NAME.test(v)) throw new HttpError(400, 'invalid_request', 'name: 1–64 of A-Z a-z 0-9 . _ -');
    return v;
  };
  const upstream = upstreamCaller(log, 'LiveKit SIP');

  router.get('/api/admin/sip/trunks', async (_req, res) => {
    res.json({ trunks: await upstream('listing trunks', () => sip().listTrunks()) });
  });
  router.put('/api/admin/sip/trunks/:name', async (req, res) => {
    const spec = parseOr400(InboundTrunkSpec, req.body ?? {}, 'trunk');
    const r = await upstream('provisioning a trunk', () => sip().putTrunk(name(req.params.name), spec));
    res.status(r.action === 'created' ? 201 : 200).json(r);
  });
  router.delete('/api/admin/sip/trunks/:name', async (req, res) => {
    res.json({ deleted: await upstream('deleting a trunk', () => sip().deleteTrunk(name(req.params.name))) });
  });
  router.get('/api/admin/sip/dispatch-rules', async (_req, res) => {
    res.json({ rules: await upstream('listing rules', () => sip().listRules()) });
  });
  router.put('/api/admin/sip/dispatch-rules/:name', async (req, res) => {
    const spec = parseOr400(DispatchRuleSpec, req.body ?? {}, 'dispatch rule');
    const agent = await findAgent(db, spec.agent);
    if (!agent) throw new HttpError(404, 'unknown_agent', `no agent "${spec.agent}"`);
    const r = await upstream('provisioning a rule', () => sip().putRule(name(req.params.name), spec));
    res.status(r.action === 'created' ? 201 : 200).json(r);
  });
  router.delete('/api/admin/sip/dispatch-rules/:name', async (req, res) => {
    res.json({ deleted: await upstream('deleting a rule', () => sip().deleteRule(name(req.params.name))) });
  });

  router.post('/api/admin/calls/:room/turns', async (req, res) => {
    const body = parseOr400(PhoneTurnsUpload, req.body ?? {}, 'turns');
    const call = await findCall(db, String(req.params.room));
    if (!call) throw HttpError.notFound('call');
    if (call.channel !== 'phone') throw new HttpError(409, 'not_phone', 'web turns are uploaded by the widget');
    for (const t of body.turns) await upsertTurn(db, call.id, t, true); // an operator's measurement
    res.status(201).json({ stored: body.turns.length });
  });
  return router;
}
