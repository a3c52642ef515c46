import { z } from 'zod';
import { E164, TransferTarget } from './sip-uri.ts';
import { AgentToolConfig, ToolEndpoint, VerifiedCaller, toolName } from './tools.ts';

/**
 * An agent's configuration as the admin API stores it and the agent worker reads it at dispatch.
 * Every change creates a new version; a call records the version it ran.
 */

/** Agent slug: lowercase, 1–64 chars (the widget's `data-agent`). */
export const AgentSlug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'agent must be a lowercase slug (a-z, 0-9, -)');

/** BCP 47 language tag, e.g. `en`, `de-DE`. */
export const LanguageTag = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'language must be a BCP 47 tag like "en" or "de-DE"');

/** A web origin (`https://shop.example`, no path), or `*` for any. */
export const AllowedOrigin = z.union([
  z.literal('*'),
  z
    .string()
    .max(255)
    .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'origin must look like https://host[:port] with no path'),
]);

/** Turn-taking profile of an agent's web calls. */
export const TurnTaking = z.enum(['fast', 'model_vad', 'stock']);
export type TurnTaking = z.infer<typeof TurnTaking>;

/** A time of day `HH:MM`, 00:00–24:00 (24:00 = the end of the day). */
const TimeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'time of day must be HH:MM, 00:00–24:00');

/** Minutes since midnight of a {@link TimeOfDay} (`08:30` → 510). */
export const minutesOfDay = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/**
 * The local time window in which the agent may call someone, in the callee's time zone: from
 * `start` (inclusive) to `end` (exclusive). Default 08:00–21:00, the US TCPA window (47 CFR
 * 64.1200(c)(1)); narrower local rules (e.g. state law, EU member states) are set here.
 */
export const CallingHours = z
  .object({ start: TimeOfDay.default('08:00'), end: TimeOfDay.default('21:00') })
  .strict()
  .refine((h) => minutesOfDay(h.start) < minutesOfDay(h.end), 'calling hours: start must be before end');
export type CallingHours = z.infer<typeof CallingHours>;

/**
 * How the agent places outbound calls (server/src/outbound/): which outbound trunk, when and how
 * often it may call, and what it says on a machine. Enforced by the server before anything is
 * dialled; the agent gets company and callback number with the call's context.
 */
export const OutboundSettings = z
  .object({
    /** Name of the outbound SIP trunk (`PUT /api/admin/sip/outbound-trunks/:name`). */
    trunk: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'trunk: 1–64 of A-Z a-z 0-9 . _ -').default('outbound'),
    /** The company the agent calls for, said in every opener and message; default: the agent's name without "assistant". */
    company: z.string().trim().min(1).max(80).optional(),
    /** The number a voicemail message asks to call back (E.164); default the trunk's first number. */
    callbackNumber: E164.optional(),
    callingHours: CallingHours.prefault({}),
    /** Outbound calls placed in any 24 hours (rolling), every attempt counted; 0 turns outbound calling off. */
    maxCallsPerDay: z.number().int().min(0).max(100_000).default(100),
    /** How long a call may ring before it counts as not answered, seconds. */
    ringTimeoutS: z.number().int().min(5).max(120).default(30),
    /** On an answering machine: leave a message after the beep, or hang up without one. */
    onMachine: z.enum(['leave_message', 'hang_up']).default('leave_message'),
    /** Where `transfer_to_human` sends a callee who asks for a person (SIP REFER); unset = no transfer. */
    transferTo: TransferTarget.optional(),
  })
  .strict();
export type OutboundSettings = z.infer<typeof OutboundSettings>;
export type OutboundSettingsInput = z.input<typeof OutboundSettings>;

/**
 * Per-agent budgets, enforced by the server for every call (web and phone, with or without a demo
 * link; a demo link's own budgets apply on top). Defaults are what a public widget can live with.
 */
export const AgentLimits = z
  .object({
    /** Longest call, seconds, counted from the caller joining; the server deletes the room then. */
    maxCallSeconds: z.number().int().min(15).max(3_600).default(600),
    /** Calls in progress at once (a session not joined yet counts until its join window ends). */
    maxConcurrentCalls: z.number().int().min(1).max(10_000).default(10),
    /** Talk time per UTC day across all calls, minutes (calls in progress reserve their maximum). */
    minutesPerDay: z.number().int().min(1).max(1_000_000).default(600),
    /** New sessions per caller IP (IPv6: per /64) per hour; hover prefetches count. */
    newCallsPerIpPerHour: z.number().int().min(1).max(100_000).default(30),
  })
  .strict();
export type AgentLimits = z.infer<typeof AgentLimits>;
/** Default seconds a caller waits for a person before the agent offers a callback. */
export const DEFAULT_HANDOFF_WAIT_S = 90;

/** How the agent hands callers to people (README "Hand-off"). */
export const HandoffConfig = z
  .object({
    /**
     * Seconds a caller waits in the console's queue for a person before the agent opens a callback
     * case and says so (it stays with the caller meanwhile).
     */
    waitLimitS: z.number().int().min(10).max(1_800).default(DEFAULT_HANDOFF_WAIT_S),
    /**
     * Cold transfers (phone lines with an outside number): the call's context package is POSTed
     * here, signed like tool endpoints, before the SIP REFER. Unset: the console only.
     */
    packageEndpoint: ToolEndpoint.optional(),
  })
  .strict();
export type HandoffConfig = z.infer<typeof HandoffConfig>;

/** Words that count as an AI disclosure in a greeting (California SB 1001, EU AI Act art. 50). */
const AI_DISCLOSURE = /\b(AI|A\.I\.|artificial intelligence|virtual assistant|automated assistant)\b/i;

export const AgentConfig = z
  .object({
    /** Display name, e.g. "Acme Outdoor assistant". */
    name: z.string().trim().min(1).max(80),
    /** What the agent does; shown on public demo-link pages. */
    description: z.string().trim().max(500).default(''),
    /** System instructions of the model. */
    instructions: z.string().trim().min(1).max(8_000),
    /** First words of every call; must disclose that the caller talks to an AI. */
    greeting: z
      .string()
      .trim()
      .min(1)
      .max(400)
      .refine((g) => AI_DISCLOSURE.test(g), 'greeting must disclose that the caller is talking to an AI'),
    /** Voice name of the speech model, e.g. `alloy`. */
    voice: z.string().min(1).max(40).default('alloy'),
    /** Realtime model name, e.g. `gpt-realtime`. */
    model: z.string().min(1).max(80).default('gpt-realtime'),
    /**
     * Tools the agent may use (protocol/src/tools.ts): built-in names, built-ins served by the
     * customer's endpoint, or custom endpoint tools. Nothing else is offered to the model, and the
     * greeting and instructions mention only what these make possible.
     */
    tools: z
      .array(AgentToolConfig)
      .max(32)
      .default([])
      .refine((list) => new Set(list.map(toolName)).size === list.length, 'each tool may be listed once'),
    /** What `opening_hours` answers, as the agent should say it. */
    openingHours: z.string().trim().min(1).max(300).default('Monday to Friday from nine a.m. to six p.m., and Saturday from ten to two.'),
    /** Origins whose pages may start calls with this agent; `['*']` = any. */
    allowedOrigins: z.array(AllowedOrigin).min(1).max(50).default(['*']),
    language: LanguageTag.default('en'),
    /**
     * How web calls end the caller's turn (agent-worker/src/turn-taking.ts): `fast` = the page's
     * VAD hint ends it at once (default); `model_vad` = the model's own VAD; `stock` = a stock
     * LiveKit Agents setup (model VAD, 500 ms silence), kept for side-by-side benchmarks.
     * Phone calls always use `model_vad`.
     */
    turnTaking: TurnTaking.default('fast'),
    /** Outbound calls: trunk, calling hours, daily cap, what to do on a machine (README "Outbound calls"). */
    outbound: OutboundSettings.prefault({}),
    /** Budgets of every call (see {@link AgentLimits}). */
    limits: AgentLimits.prefault({}),
    /**
     * Only demo-link calls: `POST /api/sessions` without a demo link is refused (403
     * `demo_link_required`), so knowing the public slug does not bypass a link's budgets.
     */
    demoLinksOnly: z.boolean().default(false),
    /** Hand-off to a person: the queue's wait limit and the cold-transfer package endpoint. */
    handoff: HandoffConfig.default({ waitLimitS: DEFAULT_HANDOFF_WAIT_S }),
  })
  .strict();
export type AgentConfig = z.infer<typeof AgentConfig>;

/**
 * Who reads each field of {@link AgentConfig}: the agent worker maps the `agent` fields onto the
 * session (agent-worker/src/session/agent-setup.ts, checked by its config-contract test: a field
 * marked `agent` that the mapping does not read fails it); `server` fields are enforced by the
 * server. Adding a field to AgentConfig without a line here does not compile.
 */
export const AGENT_CONFIG_CONSUMERS = {
  name: 'agent',
  description: 'server', // public demo-link page (repo/demo-links.ts publicInfo)
  instructions: 'agent',
  greeting: 'agent',
  voice: 'agent',
  model: 'agent',
  tools: 'agent', // and the server, which runs them (server/src/tools/run-tool.ts)
  openingHours: 'server', // the opening_hours tool's answer (server/src/tools/builtin.ts)
  allowedOrigins: 'server', // session requests (server/src/routes/sessions.ts checkOrigin)
  language: 'agent',
  turnTaking: 'agent',
  outbound: 'server', // dialling, calling hours, caps (server/src/outbound/); company and callback number reach the agent with the call's context
  limits: 'server', // every session and the sweeper (server/src/repo/agent-budget.ts, sweeper.ts)
  demoLinksOnly: 'server', // session requests (server/src/routes/sessions.ts)
  handoff: 'agent', // waitLimitS; packageEndpoint is read by the server (server/src/handoff/cold.ts)
} as const satisfies Record<keyof AgentConfig, 'agent' | 'server'>;
/** Input form of {@link AgentConfig} (defaults not yet applied). */
export type AgentConfigInput = z.input<typeof AgentConfig>;

/** Largest `AgentConfigResponse.modelFirstAudioMs`, ms (a model slower than this is not one to talk to). */
export const MAX_MODEL_FIRST_AUDIO_MS = 60_000;

/**
 * `GET /api/calls/:room/agent-config` (agent worker, at dispatch): the configuration version the
 * server pinned for this call when it created the room.
 */
export const AgentConfigResponse = z.object({
  agent: AgentSlug,
  version: z.number().int().min(1),
  config: AgentConfig,
  /** The server ends the call this many seconds after the caller joined (agent and demo-link budgets); null = no limit. */
  maxCallSeconds: z.number().int().min(1).nullable(),
  /** The caller, when the server already knows who they are (a web caller's signed identity). */
  caller: VerifiedCaller.nullable().default(null),
  /**
   * The fastest model reply this agent's earlier calls showed lately: `response.created` → first
   * audio delta, ms, the least over the agent timelines the server stored from its calls of the
   * last 24 h (at most the newest 200 replies); null when there are none. No reply can be heard
   * sooner, so a call can tell from its first turn whether the end-of-turn model's verdict could
   * still change what the caller hears.
   */
  modelFirstAudioMs: z.number().min(0).max(MAX_MODEL_FIRST_AUDIO_MS).nullable().default(null),
});
export type AgentConfigResponse = z.infer<typeof AgentConfigResponse>;
