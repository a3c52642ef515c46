import { z } from 'zod';
import { AgentConfig, AgentSlug } from './agent-config.ts';
import { CallChannel, CallOutcome } from './call-record.ts';

/** Admin API (`/api/admin/*`, `Authorization: Bearer <admin key>`): request and reply shapes. */

/** `POST /api/admin/agents`. */
export const CreateAgentRequest = z.object({ slug: AgentSlug, config: AgentConfig }).strict();
export type CreateAgentRequest = z.infer<typeof CreateAgentRequest>;

/** `PUT /api/admin/agents/:slug`: the full new configuration; creates the next version. */
export const UpdateAgentRequest = z.object({ config: AgentConfig }).strict();
export type UpdateAgentRequest = z.infer<typeof UpdateAgentRequest>;

export const AgentView = z.object({
  slug: AgentSlug,
  version: z.number().int(),
  config: AgentConfig,
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgentView = z.infer<typeof AgentView>;

/** Query of `GET /api/admin/calls` and the dashboard's calls page. Dates are `YYYY-MM-DD` (UTC). */
export const CallFilter = z
  .object({
    agent: AgentSlug.optional(),
    channel: CallChannel.optional(),
    outcome: z.union([CallOutcome, z.literal('open')]).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    demo: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type CallFilter = z.infer<typeof CallFilter>;

/** Role of a dashboard/API key: `admin` configures everything; `agent` takes calls in the console only. */
export const StaffRole = z.enum(['admin', 'agent']);
export type StaffRole = z.infer<typeof StaffRole>;

/** `POST /api/admin/keys`: a new key (shown once in the reply), admin by default. */
export const CreateKeyRequest = z
  .object({
    /** Who holds it; for an agent key, the name callers hear ("I'm connecting you with Sam"). */
    name: z.string().trim().min(1).max(60).default('admin'),
    role: StaffRole.default('admin'),
  })
  .strict();
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

/** A key as `GET /api/admin/keys` lists it (never the key itself). */
export const KeyView = z.object({
  id: z.number().int(),
  name: z.string(),
  role: StaffRole,
  /** First characters, to tell keys apart. */
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type KeyView = z.infer<typeof KeyView>;

/** Reply of `POST /api/admin/keys`: the key, shown this once. */
export const CreatedKey = z.object({ id: z.number().int(), key: z.string(), role: StaffRole });
export type CreatedKey = z.infer<typeof CreatedKey>;

/**
 * Reply of `POST /api/admin/signin-links`: a one-time dashboard sign-in link for the caller's key
 * (`/dashboard/signin?token=vws_…`), valid until `expiresAt` (ISO 8601).
 */
export const SigninLink = z.object({ url: z.string(), expiresAt: z.string() });
export type SigninLink = z.infer<typeof SigninLink>;

/** `POST /api/admin/retention`: delete calls and leads older than `days` now (default the server's). */
export const RetentionRequest = z.object({ days: z.number().int().min(1).max(3650).optional() }).strict();
export const RetentionResult = z.object({ deleted: z.number().int(), days: z.number().int() });
export type RetentionResult = z.infer<typeof RetentionResult>;
