import { createHmac } from 'node:crypto';
import { type Request, Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { CreateSessionRequest, TurnUpload, type TurnUploadResponse } from '@voice-widget/protocol';
import { verifyRoomToken } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { clientKey } from '../rate-limit.ts';
import { AGENT_MESSAGES } from '../repo/agent-budget.ts';
import { agentSecret, findAgent, type AgentRow } from '../repo/agents.ts';
import { verifySignedIdentity } from '../identity.ts';
import { discardCall, findCall, openCall } from '../repo/calls.ts';
import { findDemoLink } from '../repo/demo-links.ts';
import { upsertTurn } from '../repo/turns.ts';
import { type SessionDeps, createSession, newId } from '../sessions.ts';

/** How long after a call ends the widget may still upload its last turns, seconds. */
export const TURN_UPLOAD_GRACE_S = 30;

export interface SessionRouteDeps {
  sessions: SessionDeps;
  db: Db;
  log: Logger;
  verifier: TokenVerifier;
  /** Origin of the demo site: demo-link calls may come from it whatever the agent allows. */
  demoOrigin?: string;
  /** Key of the HMAC that turns caller IPs into per-IP budget keys (never stored raw). */
  ipKey: string;
}

/**
 * `POST /api/sessions` → 201 {@link CreateSessionResponse}: checks the agent (exists, enabled,
 * origin allowed, demo links only), its budgets and a demo link's; records the call; creates the
 * room. Refusals carry a message for the caller (the widget shows it).
 * `POST /api/sessions/:room/turns` → 201 {@link TurnUploadResponse}: the widget's per-turn latency,
 * while the call is open (+{@link TURN_UPLOAD_GRACE_S}), checked against the agent's timeline.
 */
export function sessionsRouter(deps: SessionRouteDeps): Router {
  const router = Router();
  const { db, log } = deps;

  router.post('/api/sessions', async (req, res) => {
    const body = parseOr400(CreateSessionRequest, req.body ?? {});
    const agent = await findAgent(db, body.agent);
    if (!agent || !agent.enabled) throw new HttpError(404, 'unknown_agent', `no agent "${body.agent}"`);
    const origin = req.headers.origin ?? null;
    let demo;
    if (body.demo) {
      demo = await findDemoLink(db, body.demo);
      if (!demo || demo.agentId !== agent.id) throw HttpError.notFound('demo link');
      if (demo.leadCapture && !body.lead) {
        throw new HttpError(400, 'lead_required', 'this demo asks for your name and e-mail before the call');
      }
    }
    if (!demo && agent.config.demoLinksOnly) throw new HttpError(403, 'demo_link_required', AGENT_MESSAGES.demoOnly);
    checkOrigin(agent, origin, demo ? deps.demoOrigin : undefined);
    // A signed-in visitor: the host site vouches for who they are (README "Signed identity").
    const verified = body.identity ? await verifySignedIdentity(body.identity, await agentSecret(db, agent.id)) : undefined;
    const plan = { room: newId('web'), identity: newId('caller'), agentVersion: agent.version };
    const call = await openCall(db, {
      room: plan.room,
      identity: plan.identity,
      agent,
      channel: 'web',
      origin,
      ipHash: ipHash(deps.ipKey, req),
      demo,
      lead: demo?.leadCapture ? body.lead : undefined,
      tokenTtlS: deps.sessions.tokenTtlS,
      verified,
    });
    let session;
    try {
      session = await createSession(deps.sessions, { ...body, name: body.name ?? verified?.name }, { ...plan, maxTtlS: call.maxDurationS ?? undefined, joinBy: call.joinBy ?? undefined });
    } catch (err) {
      log.error({ err, room: plan.room }, 'creating the LiveKit room failed');
      await discardCall(db, plan.room);
      throw HttpError.upstream('the media server');
    }
    log.info({ room: session.room, agent: body.agent, version: agent.version, demo: Boolean(demo), verified: Boolean(verified), maxCallS: call.maxDurationS }, 'session created');
    res.status(201).json(session);
  });

  router.post('/api/sessions/:room/turns', async (req, res) => {
    const room = String(req.params.room);
    const identity = await verifyRoomToken(deps.verifier, req, room, 'caller');
    const turn = parseOr400(TurnUpload, req.body ?? {}, 'turn');
    const call = await findCall(db, room);
    if (!call) throw HttpError.notFound('call');
    if (call.callerIdentity !== identity) throw new HttpError(403, 'forbidden', 'token is not this call’s caller');
    if (call.endedAt && Date.now() - call.endedAt.getTime() > TURN_UPLOAD_GRACE_S * 1000) {
      throw new HttpError(409, 'call_closed', 'the call has ended; its turns can no longer be uploaded');
    }
    const verification = await upsertTurn(db, call.id, turn);
    const reply: TurnUploadResponse = { stored: true, verification };
    res.status(201).json(reply);
  });

  return router;
}

/**
 * The page's Origin must be one the agent allows (`*` = any); demo-link calls may also come from
 * the demo site. Requests without an Origin (not from a browser page) pass only with `*`.
 * @throws HttpError 403 `origin_not_allowed`.
 */
function checkOrigin(agent: AgentRow, origin: string | null, demoOrigin: string | undefined): void {
  const allowed = agent.config.allowedOrigins;
  if (allowed.includes('*')) return;
  if (origin && (allowed.includes(origin) || origin === demoOrigin)) return;
  throw new HttpError(403, 'origin_not_allowed', `agent "${agent.slug}" does not take calls from ${origin ?? 'pages without an Origin'}`);
}

/**
 * HMAC-SHA-256 of the caller's network ({@link clientKey}: the IP, IPv6 per /64): a stable
 * per-network key that does not reveal the address.
 */
export function ipHash(key: string, req: Request): string {
  return createHmac('sha256', key)
    .update(clientKey(req))
    .digest('base64url')
    .slice(0, 22);
}
