import express, { Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import {
  type AgentConfigResponse,
  ContactInput,
  DispatchRuleSpec,
  E164,
  InboundTrunkSpec,
  PhoneCallStart,
  type PhoneCallStartResponse,
  PhoneTurnsUpload,
  normalizePhoneNumber,
} from '@voice-widget/protocol';
import { requireAdminKey, verifyRoomToken } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { findAgent, findAgentById } from '../repo/agents.ts';
import { findCall } from '../repo/calls.ts';
import { upsertTurn } from '../repo/turns.ts';
import { deleteContact, findContact, listContacts, upsertContact } from '../repo/contacts.ts';
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
 *   (opens the call record, returns the agent configuration and the caller's contact);
 * - admin (`Authorization: Bearer <admin key>`):
 *   `GET /api/admin/sip/trunks`, `PUT|DELETE /api/admin/sip/trunks/:name` ({@link InboundTrunkSpec}),
 *   `GET /api/admin/sip/dispatch-rules`, `PUT|DELETE /api/admin/sip/dispatch-rules/:name` ({@link DispatchRuleSpec}),
 *   `GET /api/admin/contacts`, `GET|PUT|DELETE /api/admin/contacts/:phone` ({@link ContactInput}),
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
    const call = existing ?? (await openPhoneCall(db, { room, callerIdentity: body.callerIdentity, agent: current! }));
    const agent = await findAgentById(db, call.agentId, call.agentVersion);
    if (!agent) throw HttpError.notFound('agent version');
    const number = body.callerNumber ? normalizePhoneNumber(body.callerNumber) : null;
    const contact = number ? ((await findContact(db, number)) ?? null) : null;
    const config: AgentConfigResponse = { agent: agent.slug, version: agent.version, config: agent.config, maxCallSeconds: call.maxDurationS };
    const reply: PhoneCallStartResponse = { config, contact };
    log.info({ room, agent: agent.slug, known: Boolean(contact) }, 'phone call started');
    res.json(reply);
  });

  router.use('/api/admin/sip', requireAdminKey(db));
  router.use('/api/admin/contacts', requireAdminKey(db));
  router.use('/api/admin/calls/:room/turns', requireAdminKey(db));

  const sip = () => {
    if (!deps.sip) throw new HttpError(503, 'sip_unavailable', 'SIP provisioning is not configured on this server');
    return deps.sip;
  };
  const name = (v: unknown) => {
    if (typeof v !== 'string' || !NAME.test(v)) throw new HttpError(400, 'invalid_request', 'name: 1–64 of A-Z a-z 0-9 . _ -');
    return v;
  };
  const upstream = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      log.error({ err }, `${what} failed`);
      throw HttpError.upstream('LiveKit SIP');
    }
  };

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

  const phoneParam = (v: unknown) => parseOr400(E164, normalizePhoneNumber(String(v)) ?? String(v), 'phone number');
  router.get('/api/admin/contacts', async (_req, res) => {
    res.json({ contacts: await listContacts(db) });
  });
  router.get('/api/admin/contacts/:phone', async (req, res) => {
    const contact = await findContact(db, phoneParam(req.params.phone));
    if (!contact) throw HttpError.notFound('contact');
    res.json(contact);
  });
  router.put('/api/admin/contacts/:phone', async (req, res) => {
    const phone = phoneParam(req.params.phone);
    const input = parseOr400(ContactInput, req.body ?? {}, 'contact');
    res.json(await upsertContact(db, phone, input));
  });
  router.delete('/api/admin/contacts/:phone', async (req, res) => {
    if (!(await deleteContact(db, phoneParam(req.params.phone)))) throw HttpError.notFound('contact');
    res.status(204).end();
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
