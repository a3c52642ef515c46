import { Router } from 'express';
import type { Logger } from 'pino';
import { CreateSessionRequest } from '@voice-widget/protocol';
import { HttpError, parseOr400 } from '../errors.ts';
import { type SessionDeps, createSession } from '../sessions.ts';

/** `POST /api/sessions` → 201 {@link CreateSessionResponse}; 400 on bad input; 502 when LiveKit is down. */
export function sessionsRouter(deps: SessionDeps, log: Logger): Router {
  const router = Router();
  router.post('/api/sessions', async (req, res) => {
    const body = parseOr400(CreateSessionRequest, req.body ?? {});
    let session;
    try {
      session = await createSession(deps, body);
    } catch (err) {
      log.error({ err }, 'creating the LiveKit room failed');
      throw HttpError.upstream('the media server');
    }
    log.info({ room: session.room, agent: body.agent }, 'session created');
    res.status(201).json(session);
  });
  return router;
}
