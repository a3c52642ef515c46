import { type Request, Router } from 'express';
import type { TokenVerifier } from 'livekit-server-sdk';
import { z } from 'zod';
import { HandoffEvent, HandoffRequest, type LiveAck, type LiveState, LiveUpload } from '@voice-widget/protocol';
import { verifyRoomToken } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { type HandoffDeps, expireHandoff, handoffState, requestHandoff } from '../handoff/service.ts';
import { findAgentById } from '../repo/agents.ts';
import { type CallRow, findCall } from '../repo/calls.ts';
import { type HandoffRow, findHandoff, latestHandoff, recordHandoffEvent, releaseHandoff } from '../repo/handoffs.ts';
import { liveLines, upsertLines } from '../repo/live.ts';

const Id = z.coerce.number().int().min(1).max(2 ** 31 - 1);

/**
 * The agent's live-call and hand-off API (agent token `{ room, agent: true }`, like the other
 * agent routes; JSON bodies parsed by the agent API router):
 * - `POST /api/calls/:room/live` ← {@link LiveUpload} → {@link LiveAck}: transcript lines as they
 *   happen, idempotent per `seq`; `GET /api/calls/:room/live` → {@link LiveState} (a worker
 *   resuming the call reads where it stands);
 * - `POST /api/calls/:room/handoff` ← {@link HandoffRequest} → `HandoffState` (handoff/service.ts);
 *   `GET /api/calls/:room/handoff` → the newest hand-off's state (404 none);
 * - `POST /api/calls/:room/handoff/:id/expire` → `HandoffState`: the wait limit passed;
 * - `POST /api/calls/:room/handoff/:id/release` → `HandoffState`: the person who took it never
 *   joined; back to `waiting` in its old place;
 * - `POST /api/calls/:room/handoff/:id/events` ← {@link HandoffEvent} → 204.
 * A call that ended accepts no new lines or requests (409 `call_ended`); events and reads still work.
 */
export function agentHandoffRouter(deps: HandoffDeps & { verifier: TokenVerifier }): Router {
  const router = Router();
  const { db } = deps;

  const callOf = async (req: Request, open: boolean): Promise<CallRow> => {
    const room = String(req.params.room);
    await verifyRoomToken(deps.verifier, req, room, 'agent');
    const call = await findCall(db, room);
    if (!call) throw HttpError.notFound('call');
    if (open && call.endedAt) throw new HttpError(409, 'call_ended', 'the call has ended');
    return call;
  };
  const handoffOf = async (req: Request, call: CallRow): Promise<HandoffRow> => {
    const row = await findHandoff(db, parseOr400(Id, req.params.id, 'hand-off id'));
    if (!row || row.callId !== call.id) throw HttpError.notFound('hand-off');
    return row;
  };

  router.post('/api/calls/:room/live', async (req, res) => {
    const call = await callOf(req, true);
    const body = parseOr400(LiveUpload, req.body ?? {}, 'live transcript');
    await upsertLines(db, call.id, body.lines);
    deps.changed?.();
    const reply: LiveAck = { nextSeq: (await liveLines(db, call.id)).nextSeq };
    res.json(reply);
  });

  router.get('/api/calls/:room/live', async (req, res) => {
    const call = await callOf(req, false);
    const reply: LiveState = { ...(await liveLines(db, call.id)), ended: call.endedAt !== null };
    res.json(reply);
  });

  router.post('/api/calls/:room/handoff', async (req, res) => {
    const call = await callOf(req, true);
    const body = parseOr400(HandoffRequest, req.body ?? {}, 'hand-off request');
    const agent = await findAgentById(db, call.agentId, call.agentVersion);
    if (!agent) throw HttpError.notFound('agent version');
    const state = await requestHandoff(deps, call, agent, body);
    deps.log.info({ room: call.room, handoff: state.id, kind: state.kind, status: state.status, position: state.position, online: state.online }, 'hand-off requested');
    res.json(state);
  });

  router.get('/api/calls/:room/handoff', async (req, res) => {
    const call = await callOf(req, false);
    const row = await latestHandoff(db, call.id);
    if (!row) throw HttpError.notFound('hand-off');
    res.json(await handoffState(db, row));
  });

  router.post('/api/calls/:room/handoff/:id/expire', async (req, res) => {
    const call = await callOf(req, false);
    res.json(await expireHandoff(deps, call, await handoffOf(req, call)));
  });

  router.post('/api/calls/:room/handoff/:id/release', async (req, res) => {
    const call = await callOf(req, false);
    const row = await handoffOf(req, call);
    const released = await releaseHandoff(db, row.id);
    if (released) {
      deps.changed?.();
      deps.log.warn({ room: call.room, handoff: row.id }, 'the person who took the call never joined: back in the queue');
    }
    res.json(await handoffState(db, released ?? (await findHandoff(db, row.id))!));
  });

  router.post('/api/calls/:room/handoff/:id/events', async (req, res) => {
    const call = await callOf(req, false);
    const row = await handoffOf(req, call);
    const ev = parseOr400(HandoffEvent, req.body ?? {}, 'hand-off event');
    await recordHandoffEvent(db, row, ev);
    deps.changed?.();
    deps.log.info({ room: call.room, handoff: row.id, event: ev.type }, 'hand-off event');
    res.status(204).end();
  });
  return router;
}
