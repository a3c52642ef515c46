import { Router } from 'express';
import { DemoSlug } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { findDemoLink, publicInfo } from '../repo/demo-links.ts';

/** `GET /api/demo-links/:slug` → {@link DemoLinkPublicInfo} for the public demo page; 404 if unknown. */
export function publicRouter(db: Db): Router {
  const router = Router();
  router.get('/api/demo-links/:slug', async (req, res) => {
    const slug = DemoSlug.safeParse(req.params.slug);
    const link = slug.success ? await findDemoLink(db, slug.data) : undefined;
    if (!link) throw HttpError.notFound('demo link');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await publicInfo(db, link));
  });
  return router;
}
