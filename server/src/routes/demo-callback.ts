import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { CALLBACK_CONSENT_TEXT, CallbackRequest, type CallbackResponse, DemoSlug, maskedNumber } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { leads, outboundCalls } from '../db/schema.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { callbackBlock } from '../outbound/callback-offer.ts';
import { nextCallingWindow, withinCallingHours } from '../outbound/calling-hours.ts';
import { calleeNumber, calleeZones } from '../outbound/compliance.ts';
import { findAgentById } from '../repo/agents.ts';
import { linkCoversAnotherCallback, linkRequestsFromIp, pendingCallsTo } from '../repo/demo-callbacks.ts';
import { DEMO_MESSAGES, findDemoLink, linkStatus } from '../repo/demo-links.ts';
import { onDoNotCallList } from '../repo/do-not-call.ts';
import { type OutboundRow, queueOutboundCall } from '../repo/outbound-calls.ts';
import type { OutboundDeps } from './outbound.ts';

/** What a visitor reads when the callback cannot be queued (no internals: which list, which budget, the number). */
export const CALLBACK_MESSAGES = {
  notOffered: 'This demo does not offer call-backs.',
  invalidNumber: 'That doesn’t look like a phone number. Enter it with your country code, e.g. +1 555 010 0123.',
  cannotCall: 'We can’t call this number. Please check it, or talk to the assistant here instead.',
  pending: 'A call-back to this number is already on its way.',
  noWindow: 'We can’t find a time to call this number within our calling hours. Please talk to the assistant here instead.',
  unavailable: 'Call-backs are not available right now. Please talk to the assistant here instead.',
  queueFull: 'This demo has as many call-backs waiting as its talk time allows. Please try again later, or talk to the assistant here instead.',
  dailyCap: 'This assistant has placed all the calls it may today. Please try again tomorrow, or talk to the assistant here instead.',
} as const;

/** The idempotency key as stored: scoped to the link, so a page's key never meets an operator's. */
const storedKey = (linkId: number, key: string) => `demo-${linkId}-${key}`;

/** "Tue 8:00 AM" in `timeZone` (the visitor's), or the UTC time when the zone is unknown. */
function localTime(at: Date, timeZone: string | null): string {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: timeZone ?? 'UTC', weekday: 'short', hour: 'numeric', minute: '2-digit' });
  return timeZone ? `${fmt.format(at)} your time` : `${fmt.format(at)} UTC`;
}

/** The page's answer for a queued call-back (also for a retried request: `repeated`). */
function reply(row: OutboundRow, repeated: boolean): CallbackResponse {
  const now = row.notBefore.getTime() <= row.createdAt.getTime() + 1000;
  return {
    status: 'queued',
    callAt: row.notBefore.toISOString(),
    now,
    to: maskedNumber(row.number),
    message: now
      ? `Thanks! The assistant will call you in a moment at the number ending ${row.number.slice(-4)}.`
      : `Thanks! It’s outside our calling hours where you are, so the assistant will call you when they open: ${localTime(row.notBefore, row.timeZone)}.`,
    repeated,
  };
}

/**
 * `POST /api/demo-links/:slug/callback` ← {@link CallbackRequest} (and an `Idempotency-Key` header)
 * → 202 {@link CallbackResponse} (200 for a repeated key: nothing new queued). A visitor on a demo
 * page asks the agent to phone them. Checked here, nothing queued on a refusal, each a 4xx with a
 * message for the visitor that never repeats the number:
 * - 404 unknown link; 400 `invalid_request` (no consent, bad fields), `invalid_number`, `lead_required`;
 * - the offer (outbound/callback-offer.ts): 403 `callback_not_offered`, `outbound_disabled`,
 *   409 `outbound_trunk_missing`, 503 `outbound_unavailable`;
 * - the link: 410 `demo_expired`/`demo_revoked`, 403 `demo_budget_spent`, 429 `callback_queue_full`
 *   (queued call-backs would need more talk time than is left), 429 `demo_rate_limited` (its
 *   per-IP rate: web calls and call-backs); the per-IP and per-link request rates are app.ts's;
 * - the number: 403 `do_not_call`, 409 `callback_pending`; 422 `no_calling_window`;
 * - the agent: 429 `daily_cap_reached` (repo/outbound-calls.ts).
 * The call is queued with the consent given ({@link CALLBACK_CONSENT_TEXT}, time) for now or for
 * when calling hours open in the visitor's zone; the dialer (outbound/dialer.ts) checks the
 * do-not-call list and hours again and reserves the link's talk time like a web call's.
 */
export function demoCallbackRouter(deps: { db: Db; log: Logger; ipHash: (req: import('express').Request) => string; outbound?: OutboundDeps }): Router {
  const { db, log } = deps;
  const router = Router();
  router.post('/api/demo-links/:slug/callback', async (req, res) => {
    const slug = DemoSlug.safeParse(req.params.slug);
    const link = slug.success ? await findDemoLink(db, slug.data) : undefined;
    if (!link) throw HttpError.notFound('demo link');
    const header = req.get('Idempotency-Key');
    const body = parseOr400(CallbackRequest, { ...(header ? { idempotencyKey: header } : {}), ...(req.body ?? {}) }, 'call-back request');
    const now = new Date();
    const status = linkStatus(link, now);
    const agent = await findAgentById(db, link.agentId);
    if (!agent) throw HttpError.notFound('demo link');
    const idempotencyKey = body.idempotencyKey ? storedKey(link.id, body.idempotencyKey) : null;
    if (idempotencyKey) {
      const [prior] = await db.select().from(outboundCalls).where(and(eq(outboundCalls.agentId, agent.id), eq(outboundCalls.idempotencyKey, idempotencyKey)));
      if (prior) return void res.status(200).json(reply(prior, true));
    }

    const block = await callbackBlock(link, agent, deps.outbound?.trunks);
    if (block === 'callback_not_offered') throw new HttpError(403, block, CALLBACK_MESSAGES.notOffered);
    if (block) throw new HttpError(block === 'outbound_unavailable' ? 503 : block === 'outbound_disabled' ? 403 : 409, block, CALLBACK_MESSAGES.unavailable);
    if (status === 'revoked' || status === 'expired' || !agent.enabled) throw new HttpError(410, `demo_${status === 'active' ? 'revoked' : status}`, DEMO_MESSAGES[status === 'active' ? 'agentDisabled' : status]);
    if (status === 'exhausted') throw new HttpError(403, 'demo_budget_spent', DEMO_MESSAGES.exhausted);
    if (link.leadCapture && !body.email) throw new HttpError(400, 'lead_required', 'This demo asks for your name and e-mail.');

    let number: string;
    let zones: readonly string[];
    try {
      number = calleeNumber(body.number);
      zones = calleeZones(number, body.timeZone);
    } catch (err) {
      // The shared checks' messages quote the input and speak to operators; the visitor gets neither.
      if (err instanceof HttpError) throw new HttpError(err.status, err.code, CALLBACK_MESSAGES.invalidNumber);
      throw err;
    }
    if (await onDoNotCallList(db, number)) throw new HttpError(403, 'do_not_call', CALLBACK_MESSAGES.cannotCall);
    const ipHash = deps.ipHash(req);
    if ((await linkRequestsFromIp(db, link.id, ipHash, now)) >= link.perIpPerHour) throw new HttpError(429, 'demo_rate_limited', DEMO_MESSAGES.ipRate);
    if ((await pendingCallsTo(db, number)) > 0) throw new HttpError(409, 'callback_pending', CALLBACK_MESSAGES.pending);
    if (!(await linkCoversAnotherCallback(db, link))) throw new HttpError(429, 'callback_queue_full', CALLBACK_MESSAGES.queueFull);
    const settings = agent.config.outbound;
    const callAt = withinCallingHours(now, zones, settings.callingHours) ? now : nextCallingWindow(now, zones, settings.callingHours);
    if (!callAt) throw new HttpError(422, 'no_calling_window', CALLBACK_MESSAGES.noWindow);

    let queued: { row: OutboundRow; repeated: boolean };
    try {
      queued = await queueOutboundCall(
        db,
        {
          agentId: agent.id,
          number,
          context: { name: body.name, reason: body.topic ? `your question about ${body.topic}` : 'your call-back request from our demo page' },
          timeZone: body.timeZone ?? null,
          ringTimeoutS: null,
          source: 'demo_callback',
          demoLinkId: link.id,
          ipHash,
          idempotencyKey,
          consent: { text: CALLBACK_CONSENT_TEXT, at: now.toISOString() },
          notBefore: callAt,
          maxCallsPerDay: settings.maxCallsPerDay,
        },
        now,
      );
    } catch (err) {
      if (err instanceof HttpError && err.code === 'daily_cap_reached') throw new HttpError(429, err.code, CALLBACK_MESSAGES.dailyCap);
      throw err;
    }
    if (queued.repeated) return void res.status(200).json(reply(queued.row, true));
    if (link.leadCapture && body.email) await db.insert(leads).values({ demoLinkId: link.id, name: body.name, email: body.email });
    if (callAt === now) deps.outbound!.kick();
    log.info({ id: queued.row.id, demo: true, later: callAt !== now }, 'demo call-back queued');
    res.status(202).json(reply(queued.row, false));
  });
  return router;
}
