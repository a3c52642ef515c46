import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { CreateDemoLinkRequest, DemoLinkPublicInfo, DemoLinkStatus, DemoLinkView } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { agents, calls, demoLinks } from '../db/schema.ts';
import { HttpError } from '../errors.ts';
import { type AgentRow, findAgentById } from './agents.ts';
import type { Tx } from './tx.ts';
import { MIN_CALL_S, holdsSlot } from './agent-budget.ts';

export type DemoLinkRow = typeof demoLinks.$inferSelect;

/** A call shorter than this is not worth starting: the link counts as spent. Seconds. */
export const MIN_DEMO_CALL_S = MIN_CALL_S;

/** 144 random bits, base64url (24 chars): unguessable link slugs. */
export const newSlug = (): string => randomBytes(18).toString('base64url');

/**
 * Creates a demo link for `agent`.
 * @throws HttpError 404 when the agent does not exist.
 */
export async function createDemoLink(db: Db, req: Omit<CreateDemoLinkRequest, 'callback'> & { callback?: boolean }, now = new Date()): Promise<DemoLinkRow> {
  const [agent] = await db.select({ id: agents.id }).from(agents).where(eq(agents.slug, req.agent));
  if (!agent) throw HttpError.notFound(`agent "${req.agent}"`);
  const [row] = await db
    .insert(demoLinks)
    .values({
      slug: newSlug(),
      reportSlug: newSlug(),
      agentId: agent.id,
      label: req.label,
      expiresAt: new Date(now.getTime() + req.expiresInHours * 3_600_000),
      budgetSeconds: Math.round(req.budgetMinutes * 60),
      maxCallSeconds: req.maxCallSeconds,
      maxConcurrentCalls: req.maxConcurrentCalls,
      perIpPerHour: req.perIpPerHour,
      leadCapture: req.leadCapture,
      callback: req.callback ?? false,
    })
    .returning();
  return row!;
}

export async function findDemoLink(db: Db, slug: string): Promise<DemoLinkRow | undefined> {
  const [row] = await db.select().from(demoLinks).where(eq(demoLinks.slug, slug));
  return row;
}

export async function findDemoLinkById(db: Db, id: number): Promise<DemoLinkRow | undefined> {
  const [row] = await db.select().from(demoLinks).where(eq(demoLinks.id, id));
  return row;
}

export async function findDemoLinkByReport(db: Db, reportSlug: string): Promise<DemoLinkRow | undefined> {
  const [row] = await db.select().from(demoLinks).where(eq(demoLinks.reportSlug, reportSlug));
  return row;
}

/** Every demo link with its agent's slug, newest first. */
export async function listDemoLinks(db: Db): Promise<(DemoLinkRow & { agent: string })[]> {
  const rows = await db
    .select({ link: demoLinks, agent: agents.slug })
    .from(demoLinks)
    .innerJoin(agents, eq(agents.id, demoLinks.agentId))
    .orderBy(desc(demoLinks.createdAt));
  return rows.map((r) => ({ ...r.link, agent: r.agent }));
}

/**
 * Revokes a link: no new calls from now on (calls in progress run to their limit).
 * @throws HttpError 404 when there is no such link.
 */
export async function revokeDemoLink(db: Db, slug: string, now = new Date()): Promise<void> {
  const rows = await db
    .update(demoLinks)
    .set({ revokedAt: sql`coalesce(${demoLinks.revokedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(demoLinks.slug, slug))
    .returning({ id: demoLinks.id });
  if (rows.length === 0) throw HttpError.notFound('demo link');
}

export const toDemoLinkView = (l: DemoLinkRow, agent: string): DemoLinkView => ({
  slug: l.slug,
  reportSlug: l.reportSlug,
  agent,
  label: l.label,
  expiresAt: l.expiresAt.toISOString(),
  revokedAt: l.revokedAt?.toISOString() ?? null,
  budgetSeconds: l.budgetSeconds,
  usedSeconds: Math.round(l.usedSeconds * 10) / 10,
  maxCallSeconds: l.maxCallSeconds,
  maxConcurrentCalls: l.maxConcurrentCalls,
  perIpPerHour: l.perIpPerHour,
  leadCapture: l.leadCapture,
  callback: l.callback,
  createdAt: l.createdAt.toISOString(),
  status: linkStatus(l),
});

/** Messages a visitor sees; one per reason a link cannot start a call. */
export const DEMO_MESSAGES = {
  expired: 'This demo link has expired. Ask the person who shared it for a new one.',
  revoked: 'This demo link is no longer available. Ask the person who shared it for a new one.',
  exhausted: 'This demo has used all of its talk time. Ask the person who shared it for more.',
  busy: 'All demo lines are busy right now. Please try again in a minute.',
  ipRate: 'You have started the most demo calls allowed per hour from your network. Please try again later.',
  agentDisabled: 'This demo is not available right now.',
} as const;

/** The link's state ignoring calls in progress: expired/revoked/exhausted or active. */
export function linkStatus(l: DemoLinkRow, now = new Date()): DemoLinkStatus {
  if (l.revokedAt) return 'revoked';
  if (l.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (l.budgetSeconds - l.usedSeconds < MIN_DEMO_CALL_S) return 'exhausted';
  return 'active';
}

/** What the public demo page shows. */
export async function publicInfo(db: Db, l: DemoLinkRow, now = new Date()): Promise<DemoLinkPublicInfo> {
  const agent = await findAgentById(db, l.agentId);
  let status = linkStatus(l, now);
  if (status === 'active' && !agent?.enabled) status = 'revoked';
  return {
    slug: l.slug,
    agent: agent?.slug ?? 'unknown',
    agentName: agent?.config.name ?? '',
    description: agent?.config.description ?? '',
    status,
    message: status === 'active' ? null : DEMO_MESSAGES[status],
    leadCapture: l.leadCapture,
    callback: l.callback,
    maxCallSeconds: l.maxCallSeconds,
    expiresAt: l.expiresAt.toISOString(),
  };
}

/**
 * Checks every budget of a demo link inside the caller's transaction (the link row is locked, so
 * concurrent requests are serialised) and returns how long the new call may last, seconds.
 * Talk time is reserved up front: ended calls' real duration plus the full allowance of calls in
 * progress, so the total budget can never be overrun. `checkIpRate: false` skips the per-IP rate
 * (a callback being dialled: its request was checked when it was made).
 * @throws HttpError 410 (expired, revoked), 403 (talk time spent), 429 (busy, per-IP rate),
 *   each with a message for the visitor.
 */
export async function reserveDemoCall(
  tx: Tx,
  link: DemoLinkRow,
  agent: AgentRow,
  ipHash: string,
  now = new Date(),
  opts: { checkIpRate?: boolean } = {},
): Promise<number> {
  const [l] = await tx.select().from(demoLinks).where(eq(demoLinks.id, link.id)).for('update');
  if (!l) throw HttpError.notFound('demo link');
  const status = linkStatus(l, now);
  if (status === 'revoked' || status === 'expired') throw new HttpError(410, `demo_${status}`, DEMO_MESSAGES[status]);
  if (!agent.enabled) throw new HttpError(410, 'demo_revoked', DEMO_MESSAGES.agentDisabled);
  const [open] = await tx
    .select({ n: sql<number>`count(*) filter (where ${holdsSlot(now)})`, reserved: sql<string>`coalesce(sum(${calls.maxDurationS}), 0)` })
    .from(calls)
    .where(and(eq(calls.demoLinkId, l.id), isNull(calls.endedAt)));
  const remaining = l.budgetSeconds - l.usedSeconds - Number(open!.reserved);
  const grant = Math.floor(Math.min(l.maxCallSeconds, remaining));
  if (status === 'exhausted' || (Number(open!.n) === 0 && grant < MIN_DEMO_CALL_S)) {
    throw new HttpError(403, 'demo_budget_spent', DEMO_MESSAGES.exhausted);
  }
  if (Number(open!.n) >= l.maxConcurrentCalls || grant < MIN_DEMO_CALL_S) {
    throw new HttpError(429, 'demo_busy', DEMO_MESSAGES.busy);
  }
  if (opts.checkIpRate === false) return grant;
  const [recent] = await tx
    .select({ n: count() })
    .from(calls)
    .where(and(eq(calls.demoLinkId, l.id), eq(calls.ipHash, ipHash), gt(calls.createdAt, new Date(now.getTime() - 3_600_000))));
  if (recent!.n >= l.perIpPerHour) throw new HttpError(429, 'demo_rate_limited', DEMO_MESSAGES.ipRate);
  return grant;
}
