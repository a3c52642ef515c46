import express, { Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { AgentTimelinesUpload, CallRecordUpload } from '@voice-widget/protocol';
import { verifyRoomToken } from '../auth.ts';
import { agentConfigReply } from './agent-config-reply.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { findAgentById } from '../repo/agents.ts';
import { findCall, storeCallRecord } from '../repo/calls.ts';
import { storeReplies } from '../repo/turns.ts';

/** Largest call record the agent may upload, bytes (a 10-minute call's transcript is ~20 KB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * The agent worker's API, authorised by a LiveKit-signed JWT with the grant `{ room, agent: true }`:
 * - `GET /api/calls/:room/agent-config` → `AgentConfigResponse` (agent-config-reply.ts: the
 *   version pinned for the call, the caller when a signed identity verified them, the model's
 *   recent speed)
 * - `POST /api/calls/:room/record` ← {@link CallRecordUpload} → 204
 * - `POST /api/calls/:room/timelines` ← {@link AgentTimelinesUpload} → 204 (the reference the
 *   widget's turn uploads are checked against)
 */
export function agentApiRouter(deps: { db: Db; verifier: TokenVerifier; log: Logger }): Router {
  const router = Router();
  router.use('/api/calls', express.json({ limit: MAX_RECORD_BYTES }));

  router.get('/api/calls/:room/agent-config', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const call = await findCall(deps.db, room);
    if (!call) throw HttpError.notFound('call');
    const agent = await findAgentById(deps.db, call.agentId, call.agentVersion);
    if (!agent) throw HttpError.notFound('agent version');
    res.json(await agentConfigReply(deps.db, call, agent));
  });

  router.post('/api/calls/:room/record', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const record = parseOr400(CallRecordUpload, req.body ?? {}, 'call record');
    await storeCallRecord(deps.db, room, record);
    deps.log.info({ room, outcome: record.outcome, lines: record.transcript.length }, 'call record stored');
    res.status(204).end();
  });
  router.post('/api/calls/:room/timelines', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const body = parseOr400(AgentTimelinesUpload, req.body ?? {}, 'timelines');
    const call = await findCall(deps.db, room);
    if (!call) throw HttpError.notFound('call');
    await storeReplies(deps.db, call.id, body.timelines);
    res.status(204).end();
  });
  return router;
}
