import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { CallFilter } from '@voice-widget/protocol';
import { SESSION_COOKIE, cookie, requireAdminSession } from '../auth.ts';
import { STYLE } from '../dashboard/html.ts';
import { outboundPage } from '../dashboard/outbound-page.ts';
import { callPage, callsPage, demoLinksPage, loginPage, overviewPage, reportPage } from '../dashboard/pages.ts';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { createAdminSession, deleteAdminSession, verifyAdminKey } from '../repo/admin-keys.ts';
import { findAgentById, listAgents } from '../repo/agents.ts';
import { callDetail, listCalls, turnsOfCalls } from '../repo/calls.ts';
import { findDemoLinkByReport, listDemoLinks } from '../repo/demo-links.ts';
import { listOutboundCalls, toOutboundView } from '../repo/outbound-calls.ts';
import { outboundStats } from './outbound.ts';
import { jobMetrics } from '../job-metrics.ts';
import { latencyReport } from '../stats.ts';

/** Dashboard sign-in lifetime, seconds. */
export const ADMIN_SESSION_TTL_S = 8 * 3600;

const Login = z.object({ key: z.string().max(200), next: z.string().max(2000).default('/dashboard') });

/** Only same-site paths under /dashboard are followed after sign-in (no open redirect). */
const safeNext = (next: string) => (/^\/dashboard(\/[A-Za-z0-9/_?=&.%-]*)?$/.test(next) ? next : '/dashboard');

/** Query-string filter; empty fields (from the HTML form) are dropped; bad values → 400. */
function filterOf(query: Record<string, unknown>) {
  const cleaned = Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string' && v !== ''));
  const parsed = CallFilter.safeParse(cleaned);
  if (!parsed.success) throw HttpError.invalid(parsed.error, 'filter');
  return parsed.data;
}

/**
 * Server-rendered dashboard (no scripts; inline SVG charts) behind a sign-in with an admin key,
 * and the public read-only latency report of a demo link at `/reports/:reportSlug`.
 */
export function dashboardRouter(deps: { db: Db; demoBaseUrl?: string; secureCookies: boolean }): Router {
  const { db } = deps;
  const router = Router();
  const send = (res: express.Response, page: string) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page);
  };

  router.get('/dashboard/style.css', (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=300').send(STYLE);
  });
  router.get('/dashboard/login', (req, res) => {
    send(res, loginPage(safeNext(String(req.query.next ?? '/dashboard'))));
  });
  router.post(
    '/dashboard/login',
    rateLimit({ windowMs: 60_000, limit: 10, standardHeaders: 'draft-8', legacyHeaders: false }),
    express.urlencoded({ extended: false, limit: 4096 }),
    async (req, res) => {
      const origin = req.headers.origin;
      if (origin && origin !== `${req.protocol}://${req.headers.host}`) throw new HttpError(403, 'forbidden', 'cross-site sign-in refused');
      const body = Login.safeParse(req.body ?? {});
      const next = safeNext(body.success ? body.data.next : '/dashboard');
      const keyId = body.success ? await verifyAdminKey(db, body.data.key.trim()) : null;
      if (keyId === null) {
        res.status(403);
        return send(res, loginPage(next, 'That key is not valid.'));
      }
      const id = await createAdminSession(db, keyId, ADMIN_SESSION_TTL_S);
      res.cookie(SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        path: '/',
        maxAge: ADMIN_SESSION_TTL_S * 1000,
      });
      res.redirect(303, next);
    },
  );
  router.post('/dashboard/logout', async (req, res) => {
    const id = cookie(req, SESSION_COOKIE);
    if (id) await deleteAdminSession(db, id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/dashboard/login');
  });

  router.use('/dashboard', requireAdminSession(db));
  const agentSlugs = async () => (await listAgents(db)).map((a) => a.slug);
  router.get('/dashboard', async (req, res) => {
    const f = filterOf(req.query);
    send(res, overviewPage(await latencyReport(db, f), f, await agentSlugs(), await jobMetrics(db, f)));
  });
  router.get('/dashboard/calls', async (req, res) => {
    const f = filterOf(req.query);
    const list = await listCalls(db, f);
    const turns = await turnsOfCalls(db, list.map((c) => c.id));
    send(res, callsPage(list, turns, f, await agentSlugs()));
  });
  router.get('/dashboard/calls/:room', async (req, res) => {
    const d = await callDetail(db, String(req.params.room));
    if (!d) throw HttpError.notFound('call');
    send(res, callPage(d));
  });
  router.get('/dashboard/outbound', async (_req, res) => {
    const latest = (await listOutboundCalls(db, { limit: 50 })).map((r) => toOutboundView(r, r.agent));
    send(res, outboundPage(await outboundStats(db, {}), latest));
  });
  router.get('/dashboard/demo-links', async (_req, res) => {
    send(res, demoLinksPage(await listDemoLinks(db), deps.demoBaseUrl));
  });

  router.get('/reports/:reportSlug', async (req, res) => {
    const slug = String(req.params.reportSlug);
    const link = /^[A-Za-z0-9_-]{22,64}$/.test(slug) ? await findDemoLinkByReport(db, slug) : undefined;
    if (!link) throw HttpError.notFound('report');
    const agent = await findAgentById(db, link.agentId);
    const report = await latencyReport(db, { demo: link.slug });
    res.setHeader('X-Robots-Tag', 'noindex');
    send(res, reportPage(agent?.config.name ?? agent?.slug ?? '', link.label, report));
  });
  return router;
}
