import { Router } from 'express';
import { DemoSlug } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { callbackBlock } from '../outbound/callback-offer.ts';
import { findAgentById } from '../repo/agents.ts';
import { findDemoLink, publicInfo } from '../repo/demo-links.ts';
import type { OutboundTrunks } from '../sip/outbound-trunks.ts';

/**
 * `GET /api/demo-links/:slug` → {@link DemoLinkPublicInfo} for the public demo page; 404 if unknown.
 * `callback` is true only when a call-back could really be placed (outbound/callback-offer.ts), so
 * the page never offers one the system cannot keep. `trunks`: unset when this server cannot dial.
 */
export function publicRouter(db: Db, trunks?: Pick<OutboundTrunks, 'find'>): Router {
  const router = Router();
  router.get('/api/demo-links/:slug', async (req, res) => {
    const slug = DemoSlug.safeParse(req.params.slug);
    const link = slug.success ? await findDemoLink(db, slug.data) : undefined;
    if (!link) throw HttpError.notFound('demo link');
    const info = await publicInfo(db, link);
    const agent = link.callback && info.status === 'active' ? await findAgentById(db, link.agentId) : undefined;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ...info, callback: agent ? (await callbackBlock(link, agent, trunks)) === null : false });
  });
  return router;
}
