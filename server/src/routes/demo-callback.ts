import { Router } from 'express';
import { and, count, eq, gt, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { CallbackRequest, type CallbackResponse, DemoSlug } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { calls, leads, outboundCalls } from '../db/schema.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { nextCallingWindow, withinCallingHours } from '../outbound/calling-hours.ts';
import { calleeNumber, calleeZones } from '../outbound/compliance.ts';
import { findAgentById } from '../repo/agents.ts';
import { DEMO_MESSAGES, findDemoLink, linkStatus } from '../repo/demo-links.ts';
import { onDoNotCallList } from '../repo/do-not-call.ts';
import { queueOutboundCall } from '../repo/outbound-calls.ts';

/** What a visitor reads when the callback cannot be queued (no internals: which list, which budget). */
export const CALLBACK_MESSAGES = {
  notOffered: 'This demo does not offer call-backs.',
  cannotCall: 'We can’t call this number. Please check it, or talk to the assistant here instead.',
  pending: 'A call-back to this number is already on its way.',
  noWindow: 'We can’t find a time to call this number within our calling hours. Please talk to the assistant here instead.',
  unavailable: 'Call-backs are not available right now. Please talk to the assistant here instead.',
} as const;

/**
 * `POST /api/demo-links/:slug/callback` ← {@link CallbackRequest} → 202 {@link CallbackResponse}: a
 * visitor on a demo page with `callback` on asks the agent to phone them. Checked here, nothing
 * dialled on a refusal: the link (active, call-backs offered, talk time left), the number (E.164,
 * not on the do-not-call list, no call-back to it pending), the visitor's network (its calls and
 * call-backs count against the link's per-IP rate), the agent's outbound switch and daily cap. The
 * call is queued for now, or for when calling hours open in the callee's time zone; when it is
 * dialled the link's budgets are reserved like a web call's (a busy link retries a minute later).
 */
export function demoCallbackRouter(deps: { db: Db; log: Logger; ipHash: (req: import('express').Request) => string; kick?: () => void }): Router {
  const { db, log } = deps;
  const router = Router();
  router.post('/api/demo-links/:slug/callback', async (req, res) => {
    const slug = DemoSlug.safeParse(req.params.slug);
    const link = slug.success ? await findDemoLink(db, slug.data) : undefined;
    if (!link) throw HttpError.notFound('demo link');
    const body = parseOr400(CallbackRequest, req.body ?? {}, 'call-back request');
    if (!link.callback) throw new HttpError(403, 'callback_not_offered', CALLBACK_MESSAGES.notOffered);
    if (!deps.kick) throw new HttpError(503, 'outbound_unavailable', CALLBACK_MESSAGES.unavailable);
    const now = new Date();
    const status = linkStatus(link, now);
    const agent = await findAgentById(db, link.agentId);
    if (status === 'revoked' || status === 'expired' || !agent?.enabled) throw new HttpError(410, `demo_${status === 'active' ? 'revoked' : status}`, DEMO_MESSAGES[status === 'active' ? 'agentDisabled' : status]);
    if (status === 'exhausted') throw new HttpError(403, 'demo_budget_spent', DEMO_MESSAGES.exhausted);
    if (link.leadCapture && !body.email) throw new HttpError(400, 'lead_required', 'this demo asks for your name and e-mail');
    const number = calleeNumber(body.number);
    const settings = agent.config.outbound;
    if (settings.maxCallsPerDay === 0) throw new HttpError(403, 'outbound_disabled', CALLBACK_MESSAGES.unavailable);
    const zones = calleeZones(number, body.timeZone);
    if (await onDoNotCallList(db, number)) throw new HttpError(403, 'do_not_call', CALLBACK_MESSAGES.cannotCall);
    const ipHash = deps.ipHash(req);
    const hourAgo = new Date(now.getTime() - 3_600_000);
    const [webCalls] = await db.select({ n: count() }).from(calls).where(and(eq(calls.demoLinkId, link.id), eq(calls.ipHash, ipHash), gt(calls.createdAt, hourAgo)));
    const [callbacks] = await db
      .select({ n: count() })
      .from(outboundCalls)
      .where(and(eq(outboundCalls.demoLinkId, link.id), eq(outboundCalls.ipHash, ipHash), gt(outboundCalls.createdAt, hourAgo), inArray(outboundCalls.status, ['queued', 'dialing', 'ringing'])));
    if (webCalls!.n + callbacks!.n >= link.perIpPerHour) throw new HttpError(429, 'demo_rate_limited', DEMO_MESSAGES.ipRate);
    const [pending] = await db
      .select({ n: count() })
      .from(outboundCalls)
      .where(and(eq(outboundCalls.number, number), inArray(outboundCalls.status, ['queued', 'dialing', 'ringing'])));
    if (pending!.n > 0) throw new HttpError(409, 'callback_pending', CALLBACK_MESSAGES.pending);
    const callAt = withinCallingHours(now, zones, settings.callingHours) ? now : nextCallingWindow(now, zones, settings.callingHours);
    if (!callAt) throw new HttpError(422, 'no_calling_window', CALLBACK_MESSAGES.noWindow);
    const { row } = await queueOutboundCall(db, {
      agentId: agent.id,
      number,
      context: { name: body.name, reason: body.topic ? `your question about ${body.topic}` : 'your call-back request from our demo page' },
      timeZone: body.timeZone ?? null,
      ringTimeoutS: null,
      source: 'demo_callback',
      demoLinkId: link.id,
      ipHash,
      notBefore: callAt,
      maxCallsPerDay: settings.maxCallsPerDay,
    });
    if (link.leadCapture && body.email) await db.insert(leads).values({ demoLinkId: link.id, name: body.name, email: body.email });
    if (callAt === now) deps.kick();
    log.info({ id: row.id, demo: true, later: callAt !== now }, 'demo call-back queued');
    const reply: CallbackResponse = {
      status: 'queued',
      callAt: callAt.toISOString(),
      message: callAt === now ? 'Thanks! The assistant will call you in a moment.' : 'Thanks! It’s outside our calling hours where you are, so the assistant will call you when they open.',
    };
    res.status(202).json(reply);
  });
  return router;
}
