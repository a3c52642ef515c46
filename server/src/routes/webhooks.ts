import express, { Router } from 'express';
import type { WebhookReceiver } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { closeCall, findCall, markJoined } from '../repo/calls.ts';
import { type ResumeDeps, isUnmarkedAgent, resumeCall } from '../resume/resume-call.ts';

/**
 * `POST /webhooks/livekit`: LiveKit's signed webhooks (the `Authorization` header is a JWT signed
 * with our API secret carrying the body's SHA-256). Invalid signature → 401, nothing changes.
 * - `participant_joined` (the caller) → the call's `joinedAt`.
 * - `room_finished` → the call ends (when the browser vanished and the agent never reported too).
 * - `participant_left` of an agent that did not mark its leave (`voice.leaving`) while the call is
 *   open → the agent is dispatched again to resume the call (resume/resume-call.ts; needs `resume`).
 */
export function webhookRouter(deps: { db: Db; receiver: WebhookReceiver; log: Logger; resume?: ResumeDeps }): Router {
  const router = Router();
  router.post(
    '/webhooks/livekit',
    express.raw({ type: () => true, limit: 64 * 1024 }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      let event;
      try {
        event = await deps.receiver.receive(body, req.headers.authorization);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'webhook rejected');
        throw new HttpError(401, 'bad_signature', 'webhook signature not valid');
      }
      const room = event.room?.name;
      const now = new Date();
      if (room) {
        const call = await findCall(deps.db, room);
        if (call && event.event === 'participant_joined' && event.participant?.identity === call.callerIdentity) {
          await markJoined(deps.db, room, now);
        } else if (call && event.event === 'room_finished') {
          const closed = await closeCall(deps.db, room, {
            endedAt: now,
            reason: 'room_finished',
            defaultOutcome: call.joinedAt ? 'completed' : 'abandoned',
            webhooksSeen: true,
          });
          if (closed) deps.log.info({ room }, 'call closed by room_finished');
        } else if (call && !call.endedAt && deps.resume && event.event === 'participant_left' && event.participant && isUnmarkedAgent(event.participant)) {
          const lost = { identity: event.participant.identity, atMs: now.getTime(), cause: 'participant_left' as const };
          const r = await resumeCall(deps.resume, room, lost).catch((err: Error) => ({ resumed: false, reason: err.message }));
          deps.log.info({ room, ...r }, 'agent left without ending the call');
        }
      }
      res.status(200).json({ ok: true });
    },
  );
  return router;
}
