import { z } from 'zod';
import { DEMO_SLUG_PATTERN } from './slug.ts';
import { AgentSlug } from './agent-config.ts';

/**
 * Demo links: a public page `/d/:slug` (demo site) where anyone with the link can talk to one
 * agent, within budgets the server enforces (total minutes, call length, concurrency, per-IP rate).
 */

/** A demo-link slug: 128+ bits of randomness, base64url (22–64 chars). */
export const DemoSlug = z.string().regex(DEMO_SLUG_PATTERN, 'demo must be a demo-link slug');

/** Name and e-mail a visitor gives before talking, when the link asks for them. */
export const LeadCapture = z
  .object({
    name: z.string().trim().min(1).max(80),
    email: z.string().trim().max(254).email(),
  })
  .strict();
export type LeadCapture = z.infer<typeof LeadCapture>;

/** Why a demo link cannot start a call now; `active` when it can. */
export const DemoLinkStatus = z.enum(['active', 'expired', 'revoked', 'exhausted']);
export type DemoLinkStatus = z.infer<typeof DemoLinkStatus>;

/** `GET /api/demo-links/:slug` (public): what the demo page shows. No budgets' internals. */
export const DemoLinkPublicInfo = z.object({
  slug: DemoSlug,
  agent: AgentSlug,
  agentName: z.string(),
  description: z.string(),
  status: DemoLinkStatus,
  /** Message for the visitor when `status` is not `active`. */
  message: z.string().nullable(),
  leadCapture: z.boolean(),
  /**
   * The page offers "call me back" (`POST /api/demo-links/:slug/callback`): the link has it on, the
   * server can dial (LiveKit SIP), the agent's outbound calling is on and its outbound trunk exists.
   */
  callback: z.boolean(),
  /** Longest call the link allows, seconds. */
  maxCallSeconds: z.number().int(),
  expiresAt: z.string(),
});
export type DemoLinkPublicInfo = z.infer<typeof DemoLinkPublicInfo>;

/** `POST /api/admin/demo-links`: create a link for an agent. */
export const CreateDemoLinkRequest = z
  .object({
    agent: AgentSlug,
    label: z.string().trim().max(120).default(''),
    /** Lifetime from now, hours (max 90 days). */
    expiresInHours: z.number().positive().max(24 * 90).default(24 * 7),
    /** Total talk time across all calls, minutes. */
    budgetMinutes: z.number().positive().max(100_000).default(60),
    /** Longest single call, seconds (≤ 10 minutes, the caller token's lifetime). */
    maxCallSeconds: z.number().int().min(15).max(600).default(300),
    maxConcurrentCalls: z.number().int().min(1).max(100).default(2),
    /** New calls per visitor IP per hour. */
    perIpPerHour: z.number().int().min(1).max(1_000).default(5),
    leadCapture: z.boolean().default(false),
    /** Offer "call me back": the agent phones the visitor (within this link's budgets and the agent's calling hours). */
    callback: z.boolean().default(false),
  })
  .strict();
export type CreateDemoLinkRequest = z.infer<typeof CreateDemoLinkRequest>;
export type CreateDemoLinkRequestInput = z.input<typeof CreateDemoLinkRequest>;

/** A demo link as the admin API shows it. */
export const DemoLinkView = z.object({
  slug: DemoSlug,
  /** Unguessable slug of the read-only latency report (`/reports/:reportSlug`). */
  reportSlug: z.string(),
  agent: AgentSlug,
  label: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  budgetSeconds: z.number().int(),
  usedSeconds: z.number(),
  maxCallSeconds: z.number().int(),
  maxConcurrentCalls: z.number().int(),
  perIpPerHour: z.number().int(),
  leadCapture: z.boolean(),
  callback: z.boolean(),
  createdAt: z.string(),
  /** Whether it can start calls now (calls in progress aside). */
  status: DemoLinkStatus,
});
export type DemoLinkView = z.infer<typeof DemoLinkView>;
