import { Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { AuditUpload, ToolRunRequest, VerifyRequest } from '@voice-widget/protocol';
import { verifyRoomToken } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { findAgentById } from '../repo/agents.ts';
import { appendAudit } from '../repo/audit.ts';
import { type CallRow, findCall } from '../repo/calls.ts';
import { runTool } from '../tools/run-tool.ts';
import { verifyPhoneCaller } from '../tools/verification.ts';

const TOOL_NAME = /^[a-z][a-z0-9_]{1,47}$/;

/**
 * The agent's tool API (agent token, like the other agent routes):
 * - `POST /api/calls/:room/tools/:name` ← {@link ToolRunRequest} → {@link ToolRunResponse} (tools/run-tool.ts);
 * - `POST /api/calls/:room/verify` ← {@link VerifyRequest} → {@link VerifyResponse} (phone callers' codes);
 * - `POST /api/calls/:room/audit` ← {@link AuditUpload} → 204 (the guard's refusals and agent-side tools).
 * A closed call accepts nothing (409 `call_ended`).
 */
export function agentToolsRouter(deps: { db: Db; verifier: TokenVerifier; log: Logger; fetch?: typeof fetch }): Router {
  const router = Router();
  const { db } = deps;

  const openCallOf = async (req: Parameters<Parameters<Router['post']>[1]>[0]): Promise<CallRow> => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const call = await findCall(db, room);
    if (!call) throw HttpError.notFound('call');
    if (call.endedAt) throw new HttpError(409, 'call_ended', 'the call has ended');
    return call;
  };

  router.post('/api/calls/:room/tools/:name', async (req, res) => {
    const call = await openCallOf(req);
    const name = String(req.params.name);
    if (!TOOL_NAME.test(name)) throw new HttpError(400, 'invalid_request', 'tool name: 2–48 of a-z, 0-9, _');
    const body = parseOr400(ToolRunRequest, req.body ?? {}, 'tool request');
    const agent = await findAgentById(db, call.agentId, call.agentVersion);
    if (!agent) throw HttpError.notFound('agent version');
    const reply = await runTool({ db, log: deps.log, fetch: deps.fetch }, call, agent, name, body);
    deps.log.info({ room: call.room, tool: name, replayed: reply.replayed, attempts: reply.attempts }, 'tool ran');
    res.json(reply);
  });

  router.post('/api/calls/:room/verify', async (req, res) => {
    const call = await openCallOf(req);
    if (call.channel !== 'phone') throw new HttpError(400, 'phone_only', 'codes verify phone callers; web callers use a signed identity');
    const body = parseOr400(VerifyRequest, req.body ?? {}, 'verification');
    const reply = await verifyPhoneCaller(db, call, body, Date.now());
    deps.log.info({ room: call.room, verified: reply.verified, locked: reply.locked }, 'verification attempt');
    res.json(reply);
  });

  router.post('/api/calls/:room/audit', async (req, res) => {
    const call = await openCallOf(req);
    const body = parseOr400(AuditUpload, req.body ?? {}, 'audit events');
    await appendAudit(db, call.id, body.events);
    res.status(204).end();
  });
  return router;
}
