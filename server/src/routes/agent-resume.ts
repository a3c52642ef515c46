import express, { Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { AgentLostReport, type AgentLostReply, ResumedReport } from '@voice-widget/protocol';
import { verifyRoomToken } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { closeGap } from '../repo/resumes.ts';
import { type ResumeDeps, resumeCall } from '../resume/resume-call.ts';

/**
 * A call that survives its agent (protocol resume.ts), authorised like the agent API (a LiveKit
 * JWT with `{ room, agent: true }`):
 * - `POST /api/calls/:room/agent-lost` ← {@link AgentLostReport} → {@link AgentLostReply}: a worker
 *   saw the room's job process die; the server resumes the call (503 when this server cannot
 *   dispatch agents).
 * - `POST /api/calls/:room/resumed` ← {@link ResumedReport} → `{ gap }`: the resumed agent's first
 *   audio; closes the call's open gap (null when none was open).
 */
export function agentResumeRouter(deps: { db: Db; verifier: TokenVerifier; log: Logger; resume?: ResumeDeps }): Router {
  const router = Router();
  router.use('/api/calls/:room/agent-lost', express.json({ limit: 4096 }));
  router.use('/api/calls/:room/resumed', express.json({ limit: 4096 }));

  router.post('/api/calls/:room/agent-lost', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const report = parseOr400(AgentLostReport, req.body ?? {}, 'agent-lost report');
    if (!deps.resume) throw new HttpError(503, 'resume_unavailable', 'this server cannot dispatch agents');
    const reply: AgentLostReply = await resumeCall(deps.resume, room, report);
    deps.log.info({ room, ...reply }, 'worker reported its job process gone');
    res.json(reply);
  });

  router.post('/api/calls/:room/resumed', async (req, res) => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const { atMs } = parseOr400(ResumedReport, req.body ?? {}, 'resumed report');
    const gap = await closeGap(deps.db, room, atMs);
    if (gap) deps.log.info({ room, gapMs: gap.resumedAtMs! - gap.lostAtMs, cause: gap.cause }, 'call resumed');
    res.json({ gap });
  });
  return router;
}
