import { z } from 'zod';

/**
 * Tools the agent can use on a call, and the wire contract around them:
 * - the argument schemas (one definition: the agent hands them to the model, the server validates
 *   what arrives with them);
 * - each tool's policy, which the agent's guard enforces in code (agent-worker/src/tools/guard.ts)
 *   and the server enforces again where it holds the data (verification, scope, idempotency);
 * - the agent → server requests (`POST /api/calls/:room/tools/:name`, `…/verify`, `…/audit`);
 * - an agent's tool configuration, including tools served by the customer's own HTTPS endpoint.
 */

/** Tools built into the product. `verify_caller` is added by the agent whenever a tool needs it. */
export const BuiltinTool = z.enum([
  'get_order_status',
  'update_shipping_address',
  'create_case',
  'opening_hours',
  'transfer_to_human',
  'end_call',
]);
export type BuiltinTool = z.infer<typeof BuiltinTool>;

/** The implicit tool a caller proves who they are with (never configured; see {@link ToolPolicy}). */
export const VERIFY_TOOL = 'verify_caller';

/** Names of tools before this contract (stored agent versions may still hold them). */
const LEGACY_TOOL_NAMES: Record<string, BuiltinTool> = { lookup_order: 'get_order_status' };

/** What the guard checks before a tool runs. */
export interface ToolPolicy {
  /** Refused until the caller is verified (signed identity on the web, code on the phone). */
  requiresVerified: boolean;
  /** Runs only after the agent read the change back and the caller said yes in the next turn. */
  changesState: boolean;
  /** Where the tool runs: on our server (data, audit, idempotency) or in the agent (call control). */
  runsOn: 'server' | 'agent';
}

/** Policy of each built-in tool (and of {@link VERIFY_TOOL}). */
export const TOOL_POLICY: Record<BuiltinTool | typeof VERIFY_TOOL, ToolPolicy> = {
  get_order_status: { requiresVerified: true, changesState: false, runsOn: 'server' },
  update_shipping_address: { requiresVerified: true, changesState: true, runsOn: 'server' },
  create_case: { requiresVerified: false, changesState: true, runsOn: 'server' },
  opening_hours: { requiresVerified: false, changesState: false, runsOn: 'server' },
  transfer_to_human: { requiresVerified: false, changesState: false, runsOn: 'agent' },
  end_call: { requiresVerified: false, changesState: false, runsOn: 'agent' },
  verify_caller: { requiresVerified: false, changesState: false, runsOn: 'server' },
};

/** An order number as callers say it: letters, digits and dashes, 1–32 chars (`1042`, `A-17`). */
export const OrderId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,32}$/, 'order_id: 1–32 letters, digits or dashes');

/** Kinds of support cases. */
export const CaseCategory = z.enum(['order', 'delivery', 'return', 'billing', 'callback', 'other']);
export type CaseCategory = z.infer<typeof CaseCategory>;

/** Arguments of each tool, as the model must send them. */
export const ToolArgs = {
  get_order_status: z.object({ order_id: OrderId.describe('The order number the caller gave, digits only, e.g. "1042".') }).strict(),
  update_shipping_address: z
    .object({
      order_id: OrderId.describe('The order number, e.g. "1042".'),
      address: z.string().trim().min(5).max(200).describe('The new delivery address exactly as the caller said it.'),
    })
    .strict(),
  create_case: z
    .object({
      category: CaseCategory.describe('What the case is about.'),
      summary: z.string().trim().min(3).max(500).describe('Two or three sentences: what the caller needs.'),
    })
    .strict(),
  opening_hours: z.object({}).strict(),
  transfer_to_human: z
    .object({
      reason: z.string().trim().min(1).max(200).describe('Why the caller needs a person, e.g. "wants a refund".'),
      summary: z.string().trim().max(500).describe('One sentence to the caller saying what the person will help with.'),
    })
    .strict(),
  end_call: z.object({}).strict(),
  verify_caller: z
    .object({ code: z.string().trim().regex(/^\d{4,8}$/, 'code: 4–8 digits').describe('The digits the caller said or typed.') })
    .strict(),
} as const satisfies Record<BuiltinTool | typeof VERIFY_TOOL, z.ZodObject>;

/**
 * A customer's HTTPS endpoint serving a tool. Requests are signed (HMAC-SHA256 with the agent's
 * secret and a timestamp; server/src/tools/signature.ts, README "Customer endpoints"). Plain
 * `http://` is accepted for loopback hosts only (development and tests).
 */
export const ToolEndpoint = z
  .object({
    url: z
      .string()
      .url()
      .max(500)
      .refine((u) => /^https:\/\//i.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//i.test(u), {
        message: 'endpoint url must be https:// (http:// only for loopback hosts)',
      }),
    /** Per attempt, ms; the server retries once on a network error or 5xx within the call. */
    timeoutMs: z.number().int().min(100).max(10_000).default(3_000),
  })
  .strict();
export type ToolEndpoint = z.infer<typeof ToolEndpoint>;

/** A JSON Schema object describing a custom tool's arguments (checked by the server with Ajv). */
export const JsonSchemaObject = z
  .object({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()).default({}) })
  .catchall(z.unknown());

/** A tool of the agent's own, served by the customer's endpoint. */
export const CustomTool = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,47}$/, 'tool name: 2–48 of a-z, 0-9, _')
      .refine((n) => !(BuiltinTool.options as string[]).includes(n) && n !== VERIFY_TOOL, 'name is a built-in tool'),
    description: z.string().trim().min(1).max(500),
    parameters: JsonSchemaObject,
    endpoint: ToolEndpoint,
    requiresVerified: z.boolean().default(false),
    changesState: z.boolean().default(false),
  })
  .strict();
export type CustomTool = z.infer<typeof CustomTool>;

/** A built-in tool whose data comes from the customer's endpoint instead of our store. */
export const BuiltinToolOnEndpoint = z.object({ name: BuiltinTool, endpoint: ToolEndpoint }).strict();

/** One entry of `AgentConfig.tools`: a built-in name, a built-in on an endpoint, or a custom tool. */
export const AgentToolConfig = z.union([
  z.preprocess((v) => (typeof v === 'string' ? (LEGACY_TOOL_NAMES[v] ?? v) : v), BuiltinTool),
  BuiltinToolOnEndpoint,
  CustomTool,
]);
export type AgentToolConfig = z.infer<typeof AgentToolConfig>;

/** The name of a configured tool. */
export const toolName = (t: AgentToolConfig): string => (typeof t === 'string' ? t : t.name);

/** The policy of a configured tool (custom tools carry their own). */
export function policyOf(t: AgentToolConfig): ToolPolicy {
  if (typeof t === 'string') return TOOL_POLICY[t];
  if ('description' in t) return { requiresVerified: t.requiresVerified, changesState: t.changesState, runsOn: 'server' };
  return TOOL_POLICY[t.name];
}

// ---- Agent → server --------------------------------------------------------------------------

/** `idempotencyKey`: SHA-256 hex of call + tool + canonical arguments (agent-worker/src/tools/idempotency.ts). */
export const IdempotencyKey = z.string().regex(/^[a-f0-9]{64}$/, 'idempotency key: 64 hex chars');

/** The caller's turn that confirmed a state change: what they said (or pressed) and when. */
export const ConfirmationTurn = z
  .object({
    /** The caller's words, or `dtmf:1`. Redacted before storage. */
    text: z.string().max(500),
    /** When the turn was added to the conversation, agent clock, ms since epoch. */
    atMs: z.number().int().min(0).max(8.64e15),
  })
  .strict();
export type ConfirmationTurn = z.infer<typeof ConfirmationTurn>;

/**
 * `POST /api/calls/:room/tools/:name` (agent token): runs a server-side tool after the agent's
 * guard allowed it. The server checks again what it can (verification and scope against the call,
 * the key for state changes) and writes the audit row in the same transaction as the change.
 */
export const ToolRunRequest = z
  .object({
    args: z.record(z.string(), z.unknown()),
    /** Required for tools that change state: a retry with the same key returns the first result. */
    idempotencyKey: IdempotencyKey.optional(),
    confirmation: ConfirmationTurn.optional(),
    /** When the model asked for the tool, agent clock, ms since epoch. */
    atMs: z.number().int().min(0).max(8.64e15),
  })
  .strict();
export type ToolRunRequest = z.infer<typeof ToolRunRequest>;

/** A tool's result: data for the model plus `say`, a sentence the agent can speak as is. */
export const ToolResult = z.object({ say: z.string().max(1_000) }).catchall(z.unknown());
export type ToolResult = z.infer<typeof ToolResult>;

/** Reply of `POST /api/calls/:room/tools/:name`; `replayed`: the key was seen, nothing was applied again. */
export const ToolRunResponse = z.object({ result: ToolResult, replayed: z.boolean(), attempts: z.number().int().min(1) });
export type ToolRunResponse = z.infer<typeof ToolRunResponse>;

/** A caller whose identity the server established. */
export const VerifiedCaller = z.object({
  customerId: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  method: z.enum(['signed_identity', 'phone_code']),
  /** Order numbers of this customer: the guard's scope for order tools. */
  orders: z.array(z.string()).max(500),
});
export type VerifiedCaller = z.infer<typeof VerifiedCaller>;

/** `POST /api/calls/:room/verify` (agent token): a code the caller said or typed on the phone. */
export const VerifyRequest = z
  .object({
    code: ToolArgs.verify_caller.shape.code,
    via: z.enum(['speech', 'dtmf']),
  })
  .strict();
export type VerifyRequest = z.infer<typeof VerifyRequest>;

/** Reply of `POST /api/calls/:room/verify`. After {@link MAX_VERIFY_ATTEMPTS} wrong codes the call is locked. */
export const VerifyResponse = z.object({
  verified: z.boolean(),
  attemptsLeft: z.number().int().min(0),
  locked: z.boolean(),
  caller: VerifiedCaller.nullable(),
});
export type VerifyResponse = z.infer<typeof VerifyResponse>;

/** Wrong codes a call may try before verification is locked for the rest of it. */
export const MAX_VERIFY_ATTEMPTS = 3;

/** What the guard decided about one tool call. */
export const GuardDecision = z.enum(['allowed', 'refused', 'confirmation_requested', 'replayed', 'failed']);
export type GuardDecision = z.infer<typeof GuardDecision>;

/**
 * One entry of a call's audit trail. The server writes the entries of tools it runs; the agent
 * reports the rest (refusals, confirmation requests, agent-side tools) with `POST …/audit`.
 */
export const AuditEvent = z
  .object({
    tool: z.string().min(1).max(64),
    /** Arguments as JSON text; redacted before storage. */
    args: z.string().max(4_000),
    decision: GuardDecision,
    /** Why it was refused or failed, as a stable code: `not_verified`, `out_of_scope`, … */
    reason: z.string().max(64).optional(),
    confirmation: ConfirmationTurn.optional(),
    idempotencyKey: IdempotencyKey.optional(),
    /** Result as JSON text; redacted before storage. */
    result: z.string().max(4_000).optional(),
    durationMs: z.number().min(0).max(600_000).optional(),
    /** Agent clock, ms since epoch. */
    atMs: z.number().int().min(0).max(8.64e15),
  })
  .strict();
export type AuditEvent = z.infer<typeof AuditEvent>;

/** `POST /api/calls/:room/audit` (agent token), batched. */
export const AuditUpload = z.object({ events: z.array(AuditEvent).min(1).max(100) }).strict();
export type AuditUpload = z.infer<typeof AuditUpload>;

/** An audit row as the admin API returns it (`GET /api/admin/calls/:room` → `toolCalls`). */
export const AuditView = AuditEvent.extend({ seq: z.number().int(), attempts: z.number().int().min(1) });
export type AuditView = z.infer<typeof AuditView>;

/**
 * Body the server POSTs to a customer's tool endpoint. Headers: `Content-Type: application/json`,
 * `Idempotency-Key` (same on a retry), `X-Voice-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" with the agent secret>`. The endpoint answers 2xx with a JSON object (≤ 16 KB);
 * a `say` string in it is spoken as is.
 */
export const EndpointToolRequest = z.object({
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  idempotencyKey: z.string().nullable(),
  call: z.object({ room: z.string(), channel: z.enum(['web', 'phone']), agent: z.string() }),
  caller: z.object({ verified: z.boolean(), customerId: z.string().nullable() }),
});
export type EndpointToolRequest = z.infer<typeof EndpointToolRequest>;
