import { Router } from 'express';
import { z } from 'zod';
import {
  AgentSlug,
  CallFilter,
  CreateAgentRequest,
  CreateDemoLinkRequest,
  DemoSlug,
  UpdateAgentRequest,
} from '@voice-widget/protocol';
import { requireAdminKey } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { agentSecret, createAgent, disableAgent, findAgent, listAgents, toAgentView, updateAgent } from '../repo/agents.ts';
import { callDetail, listCalls } from '../repo/calls.ts';
import { createDemoLink, listDemoLinks, revokeDemoLink, toDemoLinkView } from '../repo/demo-links.ts';
import { handoffMetrics } from '../handoff/metrics.ts';
import { jobMetrics } from '../job-metrics.ts';
import { latencyReport } from '../stats.ts';

const Version = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();

/**
 * Admin API under `/api/admin`, every route behind `Authorization: Bearer <admin key>`:
 * agents (CRUD, versioned; `GET|POST …/:slug/secret` reveals or rotates the agent's secret), demo links (create, list, revoke), calls (list, detail), stats (latency, jobs, hand-offs), keys (`GET|POST /api/admin/keys`, `DELETE …/:id`: admin keys and agent keys for the console).
 */
export function adminRouter(deps: { db: Db; demoBaseUrl?: string }): Router {
  const { db } = deps;
  const router = Router();
  router.use('/api/admin', requireAdminKey(db));
  const slugParam = (v: unknown) => parseOr400(AgentSlug, v, 'agent slug');
  const linkUrl = (slug: string) => (deps.demoBaseUrl ? `${deps.demoBaseUrl.replace(/\/$/, '')}/d/${slug}` : null);

  router.get('/api/admin/agents', async (_req, res) => {
    res.json({ agents: (await listAgents(db)).map(toAgentView) });
  });
  router.post('/api/admin/agents', async (req, res) => {
    const body = parseOr400(CreateAgentRequest, req.body ?? {});
    res.status(201).json(toAgentView(await createAgent(db, body.slug, body.config)));
  });
  router.get('/api/admin/agents/:slug', async (req, res) => {
    const { version } = parseOr400(Version, req.query, 'query');
    const agent = await findAgent(db, slugParam(req.params.slug), version);
    if (!agent) throw HttpError.notFound(`agent "${req.params.slug}"${version ? ` version ${version}` : ''}`);
    res.json(toAgentView(agent));
  });
  router.put('/api/admin/agents/:slug', async (req, res) => {
    const body = parseOr400(UpdateAgentRequest, req.body ?? {});
    res.json(toAgentView(await updateAgent(db, slugParam(req.params.slug), body.config)));
  });
  // The agent's secret (signs caller identities and tool-endpoint requests); POST rotates it.
  router.get('/api/admin/agents/:slug/secret', async (req, res) => {
    const agent = await findAgent(db, slugParam(req.params.slug));
    if (!agent) throw HttpError.notFound(`agent "${req.params.slug}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ secret: await agentSecret(db, agent.id) });
  });
  router.post('/api/admin/agents/:slug/secret', async (req, res) => {
    const agent = await findAgent(db, slugParam(req.params.slug));
    if (!agent) throw HttpError.notFound(`agent "${req.params.slug}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ secret: await agentSecret(db, agent.id, { rotate: true }) });
  });
  router.delete('/api/admin/agents/:slug', async (req, res) => {
    await disableAgent(db, slugParam(req.params.slug));
    res.status(204).end();
  });

  router.get('/api/admin/demo-links', async (_req, res) => {
    const links = await listDemoLinks(db);
    res.json({ demoLinks: links.map((l) => ({ ...toDemoLinkView(l, l.agent), url: linkUrl(l.slug) })) });
  });
  router.post('/api/admin/demo-links', async (req, res) => {
    const body = parseOr400(CreateDemoLinkRequest, req.body ?? {});
    const link = await createDemoLink(db, body);
    res.status(201).json({ ...toDemoLinkView(link, body.agent), url: linkUrl(link.slug) });
  });
  router.delete('/api/admin/demo-links/:slug', async (req, res) => {
    await revokeDemoLink(db, parseOr400(DemoSlug, req.params.slug, 'demo-link slug'));
    res.status(204).end();
  });

  router.get('/api/admin/calls', async (req, res) => {
    const filter = parseOr400(CallFilter, req.query, 'query');
    res.json({ calls: await listCalls(db, filter) });
  });
  router.get('/api/admin/calls/:room', async (req, res) => {
    const detail = await callDetail(db, String(req.params.room));
    if (!detail) throw HttpError.notFound('call');
    res.json(detail);
  });
  router.get('/api/admin/stats/latency', async (req, res) => {
    const filter = parseOr400(CallFilter, req.query, 'query');
    res.json(await latencyReport(db, filter));
  });
  router.get('/api/admin/stats/handoffs', async (req, res) => {
    const filter = parseOr400(CallFilter, req.query, 'query');
    res.json(await handoffMetrics(db, filter));
  });
  router.get('/api/admin/stats/jobs', async (req, res) => {
    const filter = parseOr400(CallFilter, req.query, 'query');
    res.json({ jobs: await jobMetrics(db, filter) });
  });
  return router;
}
