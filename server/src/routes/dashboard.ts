import express, { Router } from 'express';
import { z } from 'zod';
import { CallFilter } from '@voice-widget/protocol';
import { SESSION_COOKIE, cookie, requireAdminSession } from '../auth.ts';
import { STYLE } from '../dashboard/html.ts';
import { outboundPage } from '../dashboard/outbound-page.ts';
import { callPage, callsPage, demoLinksPage, loginPage, overviewPage, reportPage, signinPage } from '../dashboard/pages.ts';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { type RateLimitStoreFactory, limitPerClient } from '../rate-limit.ts';
import { createAdminSession, deleteAdminSession, redeemSigninToken } from '../repo/admin-keys.ts';
import { verifyStaffKey } from '../repo/staff.ts';
import { findAgentById, listAgents } from '../repo/agents.ts';
import { callDetail, listCalls } from '../repo/calls.ts';
import { turnsOfCalls } from '../repo/turns.ts';
import { findDemoLinkByReport, listDemoLinks } from '../repo/demo-links.ts';
import { listOutboundCalls, toOutboundView } from '../repo/outbound-calls.ts';
import { outboundStats } from './outbound.ts';
import { handoffMetrics } from '../handoff/metrics.ts';
import { jobMetrics } from '../job-metrics.ts';
import { latencyReport } from '../stats.ts';

/** Dashboard sign-in lifetime, seconds. */
export const ADMIN_SESSION_TTL_S = 8 * 3600;

const Login = z.object({ key: z.string().max(200), next: z.string().max(2000).default('/dashboard') });
const Signin = z.object({ token: z.string().max(200) });

/** Sign-in attempts (admin key or one-time link) per client per minute. */
export const SIGNIN_PER_MINUTE = 10;

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
 * Server-rendered dashboard (no scripts; inline SVG charts) behind a sign-in with an admin key or
 * a one-time sign-in link (`/dashboard/signin?token=…`, from `POST /api/admin/signin-links`; the
 * link shows a button that posts the token, so a link preview cannot spend it), and the public
 * read-only latency report of a demo link at `/reports/:reportSlug`.
 */
export function dashboardRouter(deps: { db: Db; demoBaseUrl?: string; secureCookies: boolean; stores?: RateLimitStoreFactory }): Router {
  const { db } = deps;
  const router = Router();
  const send = (res: express.Response, page: string) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page);
  };
  const signinLimit = limitPerClient({ name: 'dashboard-signin', limit: SIGNIN_PER_MINUTE }, deps.stores);
  const sameOrigin = (req: express.Request) => {
    const origin = req.headers.origin;
    if (origin && origin !== `${req.protocol}://${req.headers.host}`) throw new HttpError(403, 'forbidden', 'cross-site sign-in refused');
  };
  const startSession = async (res: express.Response, keyId: number, next: string) => {
    const id = await createAdminSession(db, keyId, ADMIN_SESSION_TTL_S);
    res.cookie(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: ADMIN_SESSION_TTL_S * 1000,
    });
    res.redirect(303, next);
  };

  router.get('/dashboard/style.css', (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=300').send(STYLE);
  });
  router.get('/dashboard/login', (req, res) => {
    send(res, loginPage(safeNext(String(req.query.next ?? '/dashboard'))));
  });
  router.post('/dashboard/login', signinLimit, express.urlencoded({ extended: false, limit: 4096 }), async (req, res) => {
    sameOrigin(req);
    const body = Login.safeParse(req.body ?? {});
    const next = safeNext(body.success ? body.data.next : '/dashboard');
    // Any role signs in; an agent-role key only reaches the console (auth.ts).
    const staff = body.success ? await verifyStaffKey(db, body.data.key.trim()) : null;
    if (!staff) {
      res.status(403);
      return send(res, loginPage(next, 'That key is not valid.'));
    }
    await startSession(res, staff.keyId, staff.role === 'agent' ? '/dashboard/console' : next);
  });
  router.get('/dashboard/signin', (req, res) => {
    send(res, signinPage(String(req.query.token ?? '').slice(0, 200)));
  });
  router.post('/dashboard/signin', signinLimit, express.urlencoded({ extended: false, limit: 4096 }), async (req, res) => {
    sameOrigin(req);
    const body = Signin.safeParse(req.body ?? {});
    const keyId = body.success ? await redeemSigninToken(db, body.data.token.trim()) : null;
    if (keyId === null) {
      res.status(403);
      return send(res, signinPage('', 'This sign-in link is not valid: it expired, was used already, or was mistyped.'));
    }
    await startSession(res, keyId, '/dashboard');
  });
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
    send(res, overviewPage(await latencyReport(db, f), f, await agentSlugs(), await jobMetrics(db, f), await handoffMetrics(db, f)));
  });
  router.get('/dashboard/calls', async (req, res) => {
    const f = filterOf(req.query);
    const list = await listCalls(db, f);
    const turns = await turnsOfCalls(db, list.map((c) => c.id), true); // aggregates: verified turns only
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
