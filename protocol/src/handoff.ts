import { z } from 'zod';
import { CallChannel, Speaker } from './call-record.ts';
import { TransferTarget } from './phone.ts';

/**
 * Handing a caller to a person (README "Hand-off"):
 * - **warm**: the caller stays in the LiveKit room; the request goes into a queue the people's
 *   console shows live with the call's context package; a person takes it, joins the room with a
 *   short-lived token, the agent says one sentence and leaves the conversation;
 * - **cold**: a phone line with an outside number (the dispatch rule's `transferTo`): the package
 *   is shown in the console and POSTed, signed, to the agent's `packageEndpoint` before the SIP
 *   REFER sends the caller there.
 * A warm request nobody takes within the agent's wait limit (or with nobody signed in to the
 * console) becomes a callback case with the package.
 */

export * from './handoff-attributes.ts';

export const HandoffKind = z.enum(['warm', 'cold']);
export type HandoffKind = z.infer<typeof HandoffKind>;

/**
 * Where a hand-off is:
 * `waiting` (in the queue) → `taken` (a person pressed Take call) → `connected` (they are in the
 * room; the agent handed over); or `callback` (nobody free in time: a callback case was opened),
 * `cancelled` (the caller left while waiting), `transferred` (cold: the caller was referred out).
 */
export const HandoffStatus = z.enum(['waiting', 'taken', 'connected', 'callback', 'cancelled', 'transferred']);
export type HandoffStatus = z.infer<typeof HandoffStatus>;

/** Statuses of a hand-off still in the queue or on its way to a person. */
export const OPEN_HANDOFF: readonly HandoffStatus[] = ['waiting', 'taken'];

/** Time stamps sent by the agent: agent clock, ms since epoch. */
const AtMs = z.number().int().min(0).max(8.64e15);

/**
 * `POST /api/calls/:room/handoff` (agent token) → {@link HandoffState}: the caller asked for a
 * person (the `transfer_to_human` tool, after the guard). Warm: queued, or — nobody signed in to
 * the console — turned into a callback at once. Cold: the package is delivered (console, and the
 * agent's `packageEndpoint` when configured) and the reply says whether the endpoint took it;
 * the agent sends the REFER only after this reply. A second warm request while one is open returns
 * the open one (the caller asked again).
 */
export const HandoffRequest = z
  .object({
    kind: HandoffKind,
    /** Why the caller needs a person (the model's words; redacted before storage). */
    reason: z.string().trim().min(1).max(200),
    /** The model's one-sentence summary for the caller (redacted before storage). */
    summary: z.string().trim().max(500).default(''),
    /** How the caller asked: by speech/typing, or the keypad's operator key. */
    via: z.enum(['conversation', 'keypad']).default('conversation'),
    /** Cold: the REFER target. */
    transferTo: TransferTarget.optional(),
    atMs: AtMs,
  })
  .strict();
export type HandoffRequest = z.infer<typeof HandoffRequest>;
export type HandoffRequestInput = z.input<typeof HandoffRequest>;

/** How a callback will reach the caller: their phone number, an e-mail address, or no way at all. */
export const CallbackContact = z.enum(['phone', 'email', 'none']);
export type CallbackContact = z.infer<typeof CallbackContact>;

/** A hand-off as the agent sees it (reply of the agent's hand-off routes). */
export const HandoffState = z.object({
  id: z.number().int().min(1),
  kind: HandoffKind,
  status: HandoffStatus,
  /** 1-based place in the queue while `waiting`; null otherwise. */
  position: z.number().int().min(1).nullable(),
  /** People signed in to the console now (any status). */
  online: z.number().int().min(0),
  /** Seconds the caller may wait before a callback is offered (the agent's configuration; 0 for cold). */
  waitLimitS: z.number().int().min(0),
  /** Seconds since the request, server clock. */
  waitedS: z.number().min(0),
  /** The person who took it (`taken`, `connected`). */
  person: z.object({ identity: z.string(), name: z.string() }).nullable(),
  /** The callback case (`callback`). */
  callback: z.object({ caseId: z.number().int(), contact: CallbackContact }).nullable(),
  /** Cold: the package reached the configured endpoint (2xx) before this reply. */
  packageDelivered: z.boolean(),
});
export type HandoffState = z.infer<typeof HandoffState>;

/**
 * `POST /api/calls/:room/handoff/:id/events` (agent token) → 204: what happened in the room, on the
 * agent's clock. `connected`: the agent said its hand-off sentence and left the conversation;
 * `person_audio`: the person's first audio — `caller_page` as the caller's widget played it (web),
 * `room` as the agent received it (phone, or a page that did not report); `person_left`: the person
 * left the room. Each type is recorded once (the first report wins, except that a `caller_page`
 * time replaces a `room` one).
 */
export const HandoffEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connected'), atMs: AtMs }).strict(),
  z.object({ type: z.literal('person_audio'), atMs: AtMs, source: z.enum(['caller_page', 'room']) }).strict(),
  z.object({ type: z.literal('person_left'), atMs: AtMs }).strict(),
]);
export type HandoffEvent = z.infer<typeof HandoffEvent>;

// ---- Context package (console, callback case, cold-transfer endpoint) ----------------------------

/** One entry of the package's transcript (PII-redacted as stored). */
export const PackageLine = z.object({ speaker: Speaker, text: z.string(), atMs: z.number() });
export type PackageLine = z.infer<typeof PackageLine>;

/** One thing the agent did or was refused (from the audit trail). */
export const PackageAction = z.object({
  tool: z.string(),
  decision: z.string(),
  reason: z.string().nullable(),
  /** What the tool's result said (redacted), when it ran. */
  said: z.string().nullable(),
  atMs: z.number(),
});
export type PackageAction = z.infer<typeof PackageAction>;

/**
 * Everything a person needs to take over without making the caller repeat themselves. Built by
 * the server from what it stored about the call (call row, audit trail, live transcript), never
 * by a model: `summary` is a deterministic 2–3 sentence text (server/src/handoff/summary.ts).
 */
export const ContextPackage = z.object({
  room: z.string(),
  channel: CallChannel,
  agent: z.string(),
  caller: z.object({
    /** Verified by a signed identity (web) or a phone code; never by caller ID. */
    verified: z.boolean(),
    method: z.enum(['signed_identity', 'phone_code']).nullable(),
    /** The verified customer's name and id; null when unverified. */
    name: z.string().nullable(),
    customerId: z.string().nullable(),
    /** Phone calls: the number they call from (a hint, not proof). */
    number: z.string().nullable(),
    /** The number belongs to a customer in the contact store (unverified hint). */
    numberKnown: z.boolean(),
  }),
  /** Why they asked for a person (the model's words, redacted). */
  reason: z.string(),
  /** The deterministic 2–3 sentence summary. */
  summary: z.string(),
  /** What the caller came for: the first job tool the agent used (e.g. `update_shipping_address`). */
  job: z.string().nullable(),
  /** Values collected by the agent's tools, e.g. `{ order_id: "1043", address: "…" }` (redacted). */
  collected: z.record(z.string(), z.string()),
  actions: z.array(PackageAction),
  transcript: z.array(PackageLine),
  /** When the person was asked for, ISO 8601 (server clock). */
  requestedAt: z.string(),
});
export type ContextPackage = z.infer<typeof ContextPackage>;

/** One hand-off in the console: a caller waiting, or a cold transfer sent to an outside number. */
export const QueueEntry = z.object({
  id: z.number().int(),
  kind: HandoffKind,
  status: HandoffStatus,
  position: z.number().int().min(1).nullable(),
  waitedS: z.number().min(0),
  waitLimitS: z.number().int(),
  /** Cold: where the caller was referred. */
  transferTo: z.string().nullable(),
  /** Cold: whether the signed POST to the endpoint succeeded (null: no endpoint configured). */
  endpointDelivered: z.boolean().nullable(),
  package: ContextPackage,
});
export type QueueEntry = z.infer<typeof QueueEntry>;

/**
 * `GET /api/console/queue` and each `queue` event of `GET /api/console/queue/events` (SSE): the
 * waiting callers (oldest first) and recent cold transfers (last 30 minutes, newest first).
 */
export const QueueSnapshot = z.object({
  waiting: z.array(QueueEntry),
  transfers: z.array(QueueEntry),
  /** People signed in to the console. */
  online: z.number().int().min(0),
  /** Server clock when built, ms since epoch. */
  atMs: z.number(),
});
export type QueueSnapshot = z.infer<typeof QueueSnapshot>;

/**
 * `POST /api/console/handoffs/:id/take` → 200: the person's way into the caller's room — a LiveKit
 * token for this room only (microphone, subscribe; no data, no metadata), valid
 * {@link PERSON_TOKEN_TTL_S} seconds to join — and the full package. 409 `not_waiting` when
 * someone else took it first or it is no longer waiting.
 */
export const TakeResponse = z.object({
  url: z.string(),
  token: z.string(),
  room: z.string(),
  identity: z.string(),
  /** The person's name as the caller and the agent see it. */
  name: z.string(),
  handoff: z.number().int(),
  package: ContextPackage,
});
export type TakeResponse = z.infer<typeof TakeResponse>;

/** Lifetime of a person's room token, seconds (only joining checks it). */
export const PERSON_TOKEN_TTL_S = 120;

/**
 * `POST <packageEndpoint>` for a cold transfer, signed like tool endpoints (`X-Voice-Signature`,
 * README "Customer endpoints"), before the REFER: the receiving team's system has it when the
 * phone rings.
 */
export const ColdTransferPayload = z.object({
  type: z.literal('handoff.cold_transfer'),
  handoff: z.number().int(),
  transferTo: z.string(),
  package: ContextPackage,
});
export type ColdTransferPayload = z.infer<typeof ColdTransferPayload>;

// ---- Metrics --------------------------------------------------------------------------------------

/**
 * Hand-off metrics over the calls matching a filter (dashboard, `GET /api/admin/stats/handoffs`):
 * - `requested` warm + cold requests; `taken` by a person; `callbacks` timed out (or nobody online)
 *   to a callback case; `cold` referred out; `cancelled` the caller left while waiting;
 * - `timeToPersonMs`: request → the person's first audio heard by the caller (web: played in the
 *   caller's page; phone: received in the room), P50/P95 over taken hand-offs;
 * - `packageBeforeSpeech`: of taken warm hand-offs whose person spoke, and cold transfers, those whose
 *   package was delivered (shown to the person who took it / accepted by the endpoint) before the
 *   person's first audio (cold: before the REFER). The target is all of them.
 */
const SummaryShape = z.object({ count: z.number().int(), p50: z.number().nullable(), p95: z.number().nullable(), max: z.number().nullable() });

export const HandoffMetrics = z.object({
  requested: z.number().int(),
  taken: z.number().int(),
  callbacks: z.number().int(),
  cold: z.number().int(),
  cancelled: z.number().int(),
  timeToPersonMs: SummaryShape,
  packageBeforeSpeech: z.object({ delivered: z.number().int(), of: z.number().int(), share: z.number().nullable() }),
});
export type HandoffMetrics = z.infer<typeof HandoffMetrics>;
