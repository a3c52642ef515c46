import { Router } from 'express';
import { z } from 'zod';
import { CreateKeyRequest, type KeyView } from '@voice-widget/protocol';
import { requireAdminKey } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { createAdminKey, listAdminKeys, revokeAdminKey } from '../repo/admin-keys.ts';

const KeyId = z.coerce.number().int().min(1);

/**
 * Keys (admin key only): `GET /api/admin/keys` → `{ keys: KeyView[] }`; `POST /api/admin/keys`
 * ← {@link CreateKeyRequest} → 201 `{ id, key, role }` (the key is shown only here);
 * `DELETE /api/admin/keys/:id` → 204 (revoked; its dashboard sessions end with it).
 * An `agent` key signs in to the console and takes calls; it cannot change configuration.
 */
export function keysRouter(db: Db): Router {
  const router = Router();
  router.use('/api/admin/keys', requireAdminKey(db));
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
    const created = await createAdminKey(db, body.name, body.role);
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ ...created, role: body.role });
  });
  router.delete('/api/admin/keys/:id', async (req, res) => {
    if (!(await revokeAdminKey(db, parseOr400(KeyId, req.params.id, 'key id')))) throw HttpError.notFound('key');
    res.status(204).end();
  });
  return router;
}
