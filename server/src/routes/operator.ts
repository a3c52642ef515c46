import { Router } from 'express';
import { z } from 'zod';
import { CreateKeyRequest, type CreatedKey, type KeyView, RetentionRequest, type RetentionResult, type SigninLink } from '@voice-widget/protocol';
import { requireAdminKey } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { createAdminKey, createSigninToken, listAdminKeys, revokeAdminKey } from '../repo/admin-keys.ts';
import { deleteOlderThan } from '../repo/calls.ts';

/** How long a dashboard sign-in link works, seconds. */
export const SIGNIN_LINK_TTL_S = 15 * 60;

const KeyId = z.coerce.number().int().min(1);

/**
 * What the operator CLI needs while the server holds the database (PGlite allows one process),
 * behind `Authorization: Bearer <admin key>`:
 * - `GET|POST /api/admin/keys`, `DELETE /api/admin/keys/:id` (a new key is shown once; its role is
 *   `admin`, or `agent` for people who take calls in the console and cannot change configuration;
 *   a revoked key's dashboard sessions end with it);
 * - `POST /api/admin/signin-links` → {@link SigninLink}: a one-time dashboard sign-in link;
 * - `POST /api/admin/retention` ← {@link RetentionRequest} → {@link RetentionResult}.
 */
export function operatorRouter(deps: { db: Db; retentionDays: number }): Router {
  const { db } = deps;
  const router = Router();
  router.use(['/api/admin/keys', '/api/admin/signin-links', '/api/admin/retention'], requireAdminKey(db));

  router.get('/api/admin/keys', async (_req, res) => {
    const keys: KeyView[] = (await listAdminKeys(db)).map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
    res.json({ keys });
  });
  router.post('/api/admin/keys', async (req, res) => {
    const body = parseOr400(CreateKeyRequest, req.body ?? {});
    const created: CreatedKey = { ...(await createAdminKey(db, body.name, body.role)), role: body.role };
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(created);
  });
  router.delete('/api/admin/keys/:id', async (req, res) => {
    if (!(await revokeAdminKey(db, parseOr400(KeyId, req.params.id, 'key id')))) throw HttpError.notFound('key');
    res.status(204).end();
  });

  router.post('/api/admin/signin-links', async (req, res) => {
    const { token, expiresAt } = await createSigninToken(db, res.locals.adminKeyId as number, SIGNIN_LINK_TTL_S);
    const link: SigninLink = { url: `${req.protocol}://${req.get('host')}/dashboard/signin?token=${token}`, expiresAt: expiresAt.toISOString() };
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(link);
  });

  router.post('/api/admin/retention', async (req, res) => {
    const days = parseOr400(RetentionRequest, req.body ?? {}).days ?? deps.retentionDays;
    const result: RetentionResult = { deleted: days > 0 ? await deleteOlderThan(db, days) : 0, days };
    res.json(result);
  });
  return router;
}
