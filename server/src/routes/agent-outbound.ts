import express, { Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { DoNotCallRequest, type OutboundCallContext, OutboundEventsUpload } from '@voice-widget/protocol';
import { verifyRoomToken } from '../auth.ts';
import { agentConfigReply } from './agent-config-reply.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { findAgentById } from '../repo/agents.ts';
import { findCall } from '../repo/calls.ts';
import { addToDoNotCall } from '../repo/do-not-call.ts';
import { applyOutboundEvents, findOutboundByRoom } from '../repo/outbound-calls.ts';
import type { OutboundTrunks } from '../sip/outbound-trunks.ts';
import { cancelQueuedTo } from './outbound.ts';

/** "Acme Outdoor assistant" → "Acme Outdoor": the company a call is from, when the settings name none. */
export const companyFromName = (name: string): string => name.replace(/\s+(voice\s+)?(assistant|agent|bot)$/i, '').trim() || name;

/**
 * The agent worker's side of an outbound call (LiveKit-signed JWT, grant `{ room, agent: true }`):
 * - `GET /api/calls/:room/outbound` → {@link OutboundCallContext}: the pinned configuration, whom
 *   it calls and why, the company and callback number for the opener and voicemail;
 * - `POST /api/calls/:room/outbound/events` ← {@link OutboundEventsUpload} → 204: ringing, answer,
 *   each AMD decision with its evidence, the voicemail's moments;
 * - `POST /api/calls/:room/do-not-call` ← {@link DoNotCallRequest} → `{added}`: the callee asked not
 *   to be called again (the agent matched the phrase in code); the call's number goes on the list
 *   and calls to it that are still queued are cancelled.
 */
export function agentOutboundRouter(deps: { db: Db; verifier: TokenVerifier; log: Logger; trunks?: Pick<OutboundTrunks, 'find'> }): Router {
  const { db, log } = deps;
  const router = Router();
  router.use(['/api/calls/:room/outbound', '/api/calls/:room/do-not-call'], express.json({ limit: 64 * 1024 }));
  const outboundCall = async (room: string) => {
    const row = await findOutboundByRoom(db, room);
    if (!row) throw HttpError.notFound('outbound call');
    return row;
  };

  router.get('/api/calls/:room/outbound', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const row = await outboundCall(room);
    const call = await findCall(db, room);
    const agent = call ? await findAgentById(db, call.agentId, call.agentVersion) : undefined;
    if (!call || !agent) throw HttpError.notFound('call');
    const settings = agent.config.outbound;
    let callbackNumber = settings.callbackNumber ?? null;
    if (!callbackNumber && deps.trunks) callbackNumber = (await deps.trunks.find(settings.trunk).catch(() => undefined))?.numbers[0] ?? null;
    const config = await agentConfigReply(db, call, agent);
    const reply: OutboundCallContext = {
      config,
      callee: { name: row.context.name ?? null },
      reason: row.context.reason,
      company: settings.company ?? companyFromName(agent.config.name),
      callbackNumber,
      onMachine: settings.onMachine,
    };
    res.json(reply);
  });

  router.post('/api/calls/:room/outbound/events', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const body = parseOr400(OutboundEventsUpload, req.body ?? {}, 'outbound events');
    const row = await applyOutboundEvents(db, room, body.events);
    for (const e of body.events) {
      // The evidence holds no words of the callee: segments, pauses, the beep, matched machine phrases.
      if (e.type === 'amd_decision') log.info({ room, id: row.id, amd: { decision: e.decision, reason: e.reason, revises: e.revises, ms: e.timeToDecisionMs, evidence: e.evidence } }, 'AMD decision');
      else log.info({ room, id: row.id, event: e.type }, 'outbound call event');
    }
    res.status(204).end();
  });

  router.post('/api/calls/:room/do-not-call', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const body = parseOr400(DoNotCallRequest, req.body ?? {}, 'do-not-call request');
    const call = await findCall(db, room);
    if (!call?.callerNumber) throw HttpError.notFound('phone call with a number');
    const added = await addToDoNotCall(db, call.callerNumber, { source: 'callee_request', note: `asked on the call: "${body.phrase.slice(0, 60)}"`, callId: call.id });
    const cancelled = await cancelQueuedTo(db, call.callerNumber);
    log.info({ room, added, cancelled }, 'callee asked not to be called again: number on the do-not-call list');
    res.json({ added });
  });
  return router;
}
