import { z } from 'zod';
import { DemoSlug, LeadCapture } from './demo-link.ts';
import { ResumeMarker } from './resume.ts';
import { AGENT_SLUG_PATTERN, LANGUAGE_TAG_PATTERN } from './slug.ts';

/**
 * `POST /api/sessions`: the widget asks for a room and a token to talk to one agent.
 * Field caps keep a bad client from storing megabytes in room metadata.
 */
export const CreateSessionRequest = z
  .object({
    /** Agent to talk to: lowercase slug, 1–64 chars. */
    agent: z
      .string()
      .min(1)
      .max(64)
      .regex(AGENT_SLUG_PATTERN, 'agent must be a lowercase slug (a-z, 0-9, -)'),
    /** Caller's display name, optional. */
    name: z.string().trim().min(1).max(80).optional(),
    /** BCP 47 language tag the page prefers, e.g. `en`, `de-DE`. */
    language: z
      .string()
      .regex(LANGUAGE_TAG_PATTERN, 'language must be a BCP 47 tag like "en" or "de-DE"')
      .optional(),
    /** Demo-link slug when the call starts from a public demo page (`/d/:slug`); budgets apply. */
    demo: DemoSlug.optional(),
    /** Visitor's name and e-mail, required by demo links with lead capture. */
    lead: LeadCapture.optional(),
    /**
     * Signed identity of a signed-in visitor: a JWT (HS256) the host site's server signs with the
     * agent's secret, claims `sub` (customer id), `name`, `exp` (≤ 1 hour ahead). The server
     * checks it and the call starts verified (README "Signed identity").
     */
    identity: z.string().min(16).max(4_096).optional(),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** Reply of `POST /api/sessions`: where to connect and with what. */
export const CreateSessionResponse = z.object({
  /** LiveKit signalling URL, e.g. `ws://127.0.0.1:7880`. */
  url: z.string().url(),
  /** LiveKit access token (JWT): this room only, microphone only, expires within 10 minutes. */
  token: z.string().min(1),
  /** Room name; also the session id. */
  room: z.string().min(1),
  /** The caller's participant identity in the room. */
  identity: z.string().min(1),
  /** Agent name dispatched to the room. */
  agent: z.string().min(1),
  /** When the token expires, ms since epoch. */
  expiresAt: z.number().int(),
  /**
   * Join before this, ms since epoch: the agent waits {@link CALLER_JOIN_WINDOW_S} for the caller
   * (a session may be created ahead of the click, on hover), then leaves and the room closes.
   */
  joinBy: z.number().int(),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/** How long a new room and its agent wait for the caller, seconds (room `emptyTimeout` too). */
export const CALLER_JOIN_WINDOW_S = 60;

/** Body of every 4xx/5xx reply from the server. */
export const ApiError = z.object({
  error: z.object({
    /** Stable machine-readable code, e.g. `invalid_request`. */
    code: z.string(),
    /** Human-readable explanation naming the bad field. */
    message: z.string(),
    /** Per-field problems for `invalid_request`. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/** Job metadata the server attaches to the agent dispatch (JSON in `ctx.job.metadata`). */
export const DispatchMetadata = z.object({
  agent: z.string(),
  language: z.string().optional(),
  callerName: z.string().optional(),
  channel: z.enum(['web', 'phone']),
  /** Phone calls: `outbound` when our server placed the call (the agent runs answering-machine detection first); default inbound. */
  direction: z.enum(['inbound', 'outbound']).optional(),
  /** Configuration version pinned for this call (fetch it with `GET /api/calls/:room/agent-config`). */
  agentVersion: z.number().int().optional(),
  /**
   * Web calls: the caller's last moment to join, ms since epoch (token lifetime and join window);
   * the agent leaves an unjoined room then, so a prefetched session nobody clicked frees its slot.
   */
  joinBy: z.number().int().optional(),
  /** Phone calls: where `transfer_to_human` refers the caller (`tel:`/`sip:` URI; SIP dispatch rule). */
  transferTo: z.string().max(256).optional(),
  /**
   * Set when the server dispatches the agent again to a call whose agent was lost (resume.ts): the
   * new agent does not greet; it loads the conversation so far and goes on.
   */
  resume: ResumeMarker.optional(),
});
export type DispatchMetadata = z.infer<typeof DispatchMetadata>;

/**
 * A job's metadata string (LiveKit `AgentDispatch.metadata`: JSON) as {@link DispatchMetadata}, or
 * the reason it is not one (`invalid JSON` or zod's message). Never throws.
 */
export function parseDispatchMetadata(raw: string): { ok: true; value: DispatchMetadata } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'invalid JSON' };
  }
  const parsed = DispatchMetadata.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: parsed.error.message };
}
