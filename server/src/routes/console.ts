import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { QueueSnapshot } from '@voice-widget/protocol';
import { requireStaff, staffOf } from '../auth-staff.ts';
import { consolePage } from '../dashboard/console-page.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { type QueueFeed, queueSnapshot } from '../handoff/queue-feed.ts';
import { type RoomAccess, takeCall } from '../handoff/take.ts';
import { findCall } from '../repo/calls.ts';
import { dropPresence, latestHandoff, touchPresence } from '../repo/handoffs.ts';

const Id = z.coerce.number().int().min(1).max(2 ** 31 - 1);

/** How often an open console's SSE stream refreshes its person's presence, ms. */
export const PRESENCE_TOUCH_MS = 10_000;
/** SSE comment sent this often so proxies keep the stream open, ms. */
export const SSE_HEARTBEAT_MS = 15_000;

export interface ConsoleDeps {
  db: Db;
  log: Logger;
  feed: QueueFeed;
  access: RoomAccess;
  /** Ends a call for everyone (the person hangs up). */
  rooms?: Pick<RoomServiceClient, 'deleteRoom'>;
  /** Folder of the built console script (`console.js`), server/console → `pnpm build:console`. */
  consoleDist: string;
}

/**
 * The console for people who take calls (role `agent` or `admin`; auth-staff.ts):
 * - `GET /dashboard/console`: the page (its script is `GET /dashboard/console.js`, built from
 *   server/console with livekit-client; the page's CSP also allows the LiveKit URL);
 * - `GET /api/console/queue` → `QueueSnapshot`; `GET /api/console/queue/events`: the same as
 *   Server-Sent Events (`event: queue`), pushed on every change; while it is open the person counts
 *   as online (the agent offers a callback at once when nobody is);
 * - `POST /api/console/handoffs/:id/take` → `TakeResponse` (handoff/take.ts), 409 `not_waiting`;
 * - `POST /api/console/calls/:room/hangup` → 204: the person who took the call ends it for everyone.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const { db } = deps;
  const router = Router();
  const livekit = new URL(deps.access.publicUrl);
  const livekitOrigins = [`${livekit.protocol}//${livekit.host}`, `${livekit.protocol.replace(/^ws/, 'http')}//${livekit.host}`];
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${livekitOrigins.join(' ')}`,
    "media-src 'self' blob: mediastream:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');

  router.get('/dashboard/console.js', (_req, res) => {
    const file = join(deps.consoleDist, 'console.js');
    if (!existsSync(file)) throw HttpError.notFound('console script (build it: pnpm --filter @voice-widget/server build:console)');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').sendFile(file);
  });
  router.get('/dashboard/console', requireStaff(db, { page: true }), (_req, res) => {
    const staff = staffOf(res);
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(consolePage(staff, existsSync(join(deps.consoleDist, 'console.js'))));
  });

  router.use('/api/console', requireStaff(db), express.json({ limit: 4 * 1024 }));
  router.get('/api/console/queue', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await queueSnapshot(db));
  });

  router.get('/api/console/queue/events', async (req, res) => {
    const staff = staffOf(res);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    await touchPresence(db, staff.keyId, staff.name);
    deps.feed.notify(); // "online" changed for the agents asking
    const send = (snap: QueueSnapshot) => res.write(`event: queue\ndata: ${JSON.stringify(snap)}\n\n`);
    const unsubscribe = deps.feed.subscribe(send);
    const presence = setInterval(() => void touchPresence(db, staff.keyId, staff.name).catch(() => {}), PRESENCE_TOUCH_MS);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    req.on('close', () => {
      unsubscribe();
      clearInterval(presence);
      clearInterval(heartbeat);
      void dropPresence(db, staff.keyId).catch(() => {});
    });
  });

  router.post('/api/console/handoffs/:id/take', async (req, res) => {
    const staff = staffOf(res);
    const taken = await takeCall(db, deps.access, parseOr400(Id, req.params.id, 'hand-off id'), staff);
    deps.feed.notify();
    deps.log.info({ room: taken.room, handoff: taken.handoff, key: staff.keyId }, 'call taken by a person');
    res.setHeader('Cache-Control', 'no-store');
    res.json(taken);
  });

  router.post('/api/console/calls/:room/hangup', async (req, res) => {
    const staff = staffOf(res);
    const call = await findCall(db, String(req.params.room));
    if (!call) throw HttpError.notFound('call');
    const handoff = await latestHandoff(db, call.id);
    if (staff.role !== 'admin' && handoff?.takenByKeyId !== staff.keyId) throw new HttpError(403, 'not_your_call', 'only the person who took this call can end it');
    if (!deps.rooms) throw new HttpError(503, 'unavailable', 'ending calls is not configured on this server');
    await deps.rooms.deleteRoom(call.room).catch((err: Error) => {
      deps.log.warn({ room: call.room, err: err.message }, 'deleting the room failed');
      throw HttpError.upstream('the media server');
    });
    res.status(204).end();
  });
  return router;
}
