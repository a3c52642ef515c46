import { z } from 'zod';
import { AgentConfigResponse, AgentSlug } from './agent-config.ts';
import { E164 } from './sip-uri.ts';

/**
 * Outbound calls (issue 13): the admin API that places them, the outbound SIP trunk, the
 * do-not-call list, a demo page's "call me back", and what the agent reports about who answered
 * (answering-machine detection, AMD) and the voicemail it left. Times named `…AtMs` are ms since
 * epoch on the sender's clock; `…SinceAnswerMs` are ms from the SIP 200 OK as the agent saw it.
 */

/**
 * Participant attribute the agent sets to `ready` once it listens for the callee (answer and
 * audio): the server dials only then, so the first "hello?" is never lost to a slow job start.
 */
export const OUTBOUND_READY_ATTRIBUTE = 'vw.outbound';

/** Identity of the callee's SIP participant in an outbound call's room. */
export const CALLEE_IDENTITY = 'callee';

// ---- Outbound trunk -------------------------------------------------------------------------

/** `host` or `host:port` of the carrier's SIP server (no `sip:`, no parameters). */
export const SipAddress = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'address must be host or host:port, without sip: or parameters');

/** `PUT /api/admin/sip/outbound-trunks/:name`: where and as whom calls are placed (created or replaced). */
export const OutboundTrunkSpec = z
  .object({
    /** The carrier's SIP server, e.g. `sip.carrier.example:5060`. */
    address: SipAddress,
    /** Caller IDs this trunk may use (E.164); the first is the default From number. */
    numbers: z.array(E164).min(1).max(100),
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    /** Digest credentials the carrier challenges our INVITEs with; both or neither. */
    authUsername: z.string().min(1).max(128).optional(),
    authPassword: z.string().min(8).max(128).optional(),
  })
  .strict()
  .refine((t) => Boolean(t.authUsername) === Boolean(t.authPassword), { message: 'authUsername and authPassword go together' });
export type OutboundTrunkSpec = z.infer<typeof OutboundTrunkSpec>;
export type OutboundTrunkSpecInput = z.input<typeof OutboundTrunkSpec>;

/** An outbound trunk as the admin API lists it (the password is never returned). */
export const OutboundTrunkView = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  numbers: z.array(z.string()),
  transport: z.enum(['udp', 'tcp', 'tls', 'auto']),
  authUsername: z.string().nullable(),
});
export type OutboundTrunkView = z.infer<typeof OutboundTrunkView>;

// ---- Placing a call -----------------------------------------------------------------------

/** An IANA time zone the runtime knows (`Europe/Berlin`, `America/Chicago`). */
export const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'time zone must be an IANA name such as America/Chicago');

/** Who is called and why: what the agent says in its opener and voicemail. Personal data: stored, never logged. */
export const CallContext = z
  .object({
    /** The callee's name as the requester knows it ("Ada Lovelace"); the agent says the first name. */
    name: z.string().trim().min(1).max(80).optional(),
    /**
     * Why we call, as a phrase that completes "calling about …", e.g. "your question about hiking
     * boots". Spoken as written.
     */
    reason: z
      .string()
      .trim()
      .min(3)
      .max(200)
      .refine((r) => !/["\n\r]/.test(r), 'reason: one line, no double quotes'),
  })
  .strict();
export type CallContext = z.infer<typeof CallContext>;

/** `POST /api/admin/calls/outbound` and CLI `call <agent> <number>`. */
export const OutboundCallRequest = z
  .object({
    agent: AgentSlug,
    /** The number to call; E.164 after normalisation (`+1 (555) 012-3` → `+15550123`). */
    number: z.string().min(1).max(40),
    context: CallContext,
    /** The callee's time zone when known (CRM, browser); otherwise derived from the number's country code. */
    timeZone: TimeZone.optional(),
    /** Ring this long before giving up, seconds; default the agent's `outbound.ringTimeoutS`. */
    ringTimeoutS: z.number().int().min(5).max(120).optional(),
    /** A retried request with the same key returns the first call instead of dialling again (also the `Idempotency-Key` header). */
    idempotencyKey: z.string().min(8).max(128).regex(/^[\x21-\x7e]+$/, 'idempotency key: printable ASCII').optional(),
  })
  .strict();
export type OutboundCallRequest = z.infer<typeof OutboundCallRequest>;
export type OutboundCallRequestInput = z.input<typeof OutboundCallRequest>;

/**
 * Where an outbound call is. `queued` → `dialing` → `ringing` → `answered`, or a final
 * `busy` (486/600/603), `no_answer` (rang out, 408/480/487), `failed` (anything else, or the agent
 * was not there to take it), `cancelled` (not dialled: compliance refused it at dial time, or an
 * operator cancelled it).
 */
export const OutboundStatus = z.enum(['queued', 'dialing', 'ringing', 'answered', 'busy', 'no_answer', 'failed', 'cancelled']);
export type OutboundStatus = z.infer<typeof OutboundStatus>;

/** How an outbound call turned out, as the dashboard counts it. */
export const OutboundOutcome = z.enum([
  'person',
  'machine_message',
  'machine_no_message',
  'answered_unknown',
  'no_answer',
  'busy',
  'failed',
  'cancelled',
  'pending',
]);
export type OutboundOutcome = z.infer<typeof OutboundOutcome>;

// ---- Answering-machine detection (the agent's report) --------------------------------------

/** Who answered (agent-worker/src/outbound/amd/types.ts). */
export const AmdDecision = z.enum(['human', 'machine_greeting', 'machine_beep', 'unknown']);
export type AmdDecision = z.infer<typeof AmdDecision>;

export const AmdReason = z.enum(['short_speech_then_silence', 'short_answer_then_pause', 'speech_resumed', 'long_speech', 'beep', 'transcript_cue', 'no_speech', 'max_time']);
export type AmdReason = z.infer<typeof AmdReason>;

/** A duration or an offset from the answer, ms (bounded: a call is not days long). */
const Ms = z.number().finite().min(-1_000_000).max(10_000_000);
/** A moment, ms since epoch (bounded: a year far out is a client bug, not a time). */
const EpochMs = z.number().int().min(0).max(10_000_000_000_000);

/** A steady tone of a beep's length, ms since answer. */
export const BeepEvidence = z
  .object({
    startMs: Ms,
    endMs: Ms,
    durationMs: Ms,
    frequencyHz: z.number().finite().min(0).max(20_000),
    frequencySpreadHz: z.number().finite().min(0).max(20_000),
    tonality: z.number().finite().min(0).max(1),
    levelDb: z.number().finite().min(-200).max(10),
  })
  .strict();
export type BeepEvidence = z.infer<typeof BeepEvidence>;

/** Everything an AMD decision rested on; no words of the callee (only which machine phrase matched). */
export const AmdEvidence = z
  .object({
    speech: z.array(z.object({ onsetMs: Ms, durationMs: Ms }).strict()).max(200),
    pauses: z.array(z.object({ startMs: Ms, durationMs: Ms }).strict()).max(200),
    trailingSilenceMs: Ms,
    utteranceMs: Ms,
    beep: BeepEvidence.nullable(),
    cues: z.array(z.object({ cue: z.string().max(100), atMs: Ms }).strict()).max(50),
    noiseFloorDb: z.number().finite().min(-200).max(10),
    vad: z.enum(['energy', 'probability']),
  })
  .strict();
export type AmdEvidence = z.infer<typeof AmdEvidence>;

/** What the agent reports during an outbound call, in order (`POST /api/calls/:room/outbound/events`). */
export const OutboundEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ringing'), atMs: EpochMs }).strict(),
  z.object({ type: z.literal('answered'), atMs: EpochMs }).strict(),
  z
    .object({
      type: z.literal('amd_decision'),
      atMs: EpochMs,
      decision: AmdDecision,
      reason: AmdReason,
      /** The earlier decision this one revises (a beep after a `human`/`unknown`), or null. */
      revises: AmdDecision.nullable(),
      timeToDecisionMs: Ms,
      evidence: AmdEvidence,
    })
    .strict(),
  z
    .object({
      type: z.literal('voicemail_ready'),
      atMs: EpochMs,
      reason: z.enum(['beep', 'greeting_end', 'timeout']),
      sinceAnswerMs: Ms,
      beep: BeepEvidence.nullable(),
    })
    .strict(),
  /** The agent's opener to a person (`human`) or to whoever answered (`neutral`) started playing. */
  z.object({ type: z.literal('opener_started'), atMs: EpochMs, sinceAnswerMs: Ms, opener: z.enum(['human', 'neutral']) }).strict(),
  /** The voicemail message started playing; `afterBeepMs` = its start − the beep's end (null without a beep). */
  z.object({ type: z.literal('voicemail_started'), atMs: EpochMs, sinceAnswerMs: Ms, afterBeepMs: Ms.nullable() }).strict(),
  z.object({ type: z.literal('voicemail_finished'), atMs: EpochMs, sinceAnswerMs: Ms }).strict(),
  /** The agent hung up on a machine without a message (`onMachine: hang_up`). */
  z.object({ type: z.literal('machine_hangup'), atMs: EpochMs }).strict(),
]);
export type OutboundEvent = z.infer<typeof OutboundEvent>;

export const OutboundEventsUpload = z.object({ events: z.array(OutboundEvent).min(1).max(50) }).strict();
export type OutboundEventsUpload = z.infer<typeof OutboundEventsUpload>;

/** `GET /api/calls/:room/outbound` (agent): the pinned configuration and what to say. */
export const OutboundCallContext = z.object({
  config: AgentConfigResponse,
  callee: z.object({ name: z.string().nullable() }),
  reason: z.string(),
  company: z.string(),
  /** Said digit by digit in a voicemail message; null: the message gives none. */
  callbackNumber: z.string().nullable(),
  onMachine: z.enum(['leave_message', 'hang_up']),
});
export type OutboundCallContext = z.infer<typeof OutboundCallContext>;

/** `POST /api/calls/:room/do-not-call` (agent): the callee asked not to be called again (a phrase matched in code). */
export const DoNotCallRequest = z.object({ phrase: z.string().min(1).max(100) }).strict();
export type DoNotCallRequest = z.infer<typeof DoNotCallRequest>;

// ---- The record -----------------------------------------------------------------------------

/** An outbound call as the admin API shows it. */
export const OutboundCallView = z.object({
  id: z.number().int(),
  agent: AgentSlug,
  number: z.string(),
  status: OutboundStatus,
  outcome: OutboundOutcome,
  source: z.enum(['admin', 'demo_callback']),
  /** Why it failed or was cancelled (`agent_unavailable`, `do_not_call`, `outside_calling_hours`, …); null otherwise. */
  failureReason: z.string().nullable(),
  sipStatusCode: z.number().int().nullable(),
  sipStatus: z.string().nullable(),
  room: z.string().nullable(),
  timeZone: z.string().nullable(),
  /** A demo call-back's consent: the text the visitor agreed to and when (ISO 8601); null for admin calls. */
  consent: z.object({ text: z.string(), at: z.string() }).nullable(),
  createdAt: z.string(),
  notBefore: z.string(),
  dialedAt: z.string().nullable(),
  ringingAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  amd: z
    .object({
      decision: AmdDecision,
      reason: AmdReason,
      /** The first decision when a beep revised it, else null. */
      firstDecision: AmdDecision.nullable(),
      timeToDecisionMs: z.number(),
      evidence: AmdEvidence,
    })
    .nullable(),
  voicemail: z
    .object({
      readyReason: z.enum(['beep', 'greeting_end', 'timeout']).nullable(),
      startedSinceAnswerMs: z.number().nullable(),
      afterBeepMs: z.number().nullable(),
      finished: z.boolean(),
    })
    .nullable(),
});
export type OutboundCallView = z.infer<typeof OutboundCallView>;

/** Reply of `POST /api/admin/calls/outbound`: 202 with the queued call (200 for a repeated idempotency key). */
export const OutboundCallAccepted = z.object({ call: OutboundCallView, repeated: z.boolean() });
export type OutboundCallAccepted = z.infer<typeof OutboundCallAccepted>;

// ---- Do-not-call list -----------------------------------------------------------------------

/** `PUT /api/admin/do-not-call/:number`. */
export const DoNotCallEntryInput = z.object({ note: z.string().trim().max(200).default('') }).strict();
export type DoNotCallEntryInput = z.infer<typeof DoNotCallEntryInput>;

export const DoNotCallEntry = z.object({
  number: z.string(),
  source: z.enum(['admin', 'callee_request']),
  note: z.string(),
  createdAt: z.string(),
});
export type DoNotCallEntry = z.infer<typeof DoNotCallEntry>;

// ---- A demo page's "call me back" -------------------------------------------------------------

export { CALLBACK_CONSENT_TEXT } from './callback-consent.ts';

/** `POST /api/demo-links/:slug/callback` (public): a visitor asks the agent to call them. */
export const CallbackRequest = z
  .object({
    /** The visitor's number as typed (E.164 with its country code, spaces and dashes allowed). */
    number: z.string().min(1).max(40),
    name: z.string().trim().min(1).max(80),
    /** Required when the link captures leads (with `name`). */
    email: z.string().trim().max(254).email().optional(),
    /** What they would like to talk about; completes "calling about …". */
    topic: z.string().trim().max(120).refine((r) => !/["\n\r]/.test(r), 'topic: one line, no double quotes').optional(),
    /** The browser's time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`). */
    timeZone: TimeZone.optional(),
    /** The visitor ticked the consent box (`CALLBACK_CONSENT_TEXT`); nothing is queued without it. */
    consent: z.literal(true, { error: 'consent: tick the box to agree to be called by an AI assistant' }),
    /**
     * One per form the page shows (random, e.g. 32 hex digits): a retried submit returns the first request's
     * answer (200) instead of queueing a second call. Also the `Idempotency-Key` header.
     */
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotency key: 8–64 letters, digits, - or _').optional(),
  })
  .strict();
export type CallbackRequest = z.infer<typeof CallbackRequest>;
export type CallbackRequestInput = z.input<typeof CallbackRequest>;

/** Reply of `POST /api/demo-links/:slug/callback`: 202 queued (200 for a repeated idempotency key). */
export const CallbackResponse = z.object({
  status: z.literal('queued'),
  /** When the call will be placed at the earliest (ISO 8601): now, or the next calling-hours window. */
  callAt: z.string(),
  /** True when the call is placed at once; false when it waits for calling hours (`callAt`). */
  now: z.boolean(),
  /** The number as the page may show it: only its last digits (`…0150`). */
  to: z.string(),
  /** What the page tells the visitor. */
  message: z.string(),
  /** A retry of an earlier request (same idempotency key): nothing new was queued. */
  repeated: z.boolean(),
});
export type CallbackResponse = z.infer<typeof CallbackResponse>;

/** Outcomes of outbound calls per agent, and AMD decision time (`GET /api/admin/stats/outbound`). */
export const OutboundStats = z.object({
  byAgent: z.array(
    z.object({
      agent: z.string(),
      total: z.number().int(),
      outcomes: z.record(OutboundOutcome, z.number().int()),
      /** AMD time to the first decision, ms from answer. */
      amdDecisionMs: z.object({ count: z.number().int(), p50: z.number().nullable(), p95: z.number().nullable(), max: z.number().nullable() }),
    }),
  ),
});
export type OutboundStats = z.infer<typeof OutboundStats>;
