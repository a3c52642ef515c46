import { z } from 'zod';
import { AgentTurnTimeline, TurnLatency } from './timeline.ts';

/**
 * What is stored about a call. The agent worker reports the transcript and barge-ins at call end
 * (tool calls are an audit trail written as they happen: tools.ts); the widget reports each turn's perceived latency as it is measured. The server
 * redacts PII from every text before storing it.
 */

export const CallChannel = z.enum(['web', 'phone']);
export type CallChannel = z.infer<typeof CallChannel>;

/** How a call ended. `abandoned`: the caller left before the agent finished (or never joined). */
export const CallOutcome = z.enum(['completed', 'transferred', 'abandoned', 'error']);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** Who said a line: the caller, the AI agent, or the person who took the call over (hand-off). */
export const Speaker = z.enum(['caller', 'agent', 'person']);
export type Speaker = z.infer<typeof Speaker>;

/** Most transcript lines one call keeps (live and final). */
export const MAX_TRANSCRIPT_LINES = 2_000;

/**
 * One utterance; `atMs` is when it started, ms since epoch (agent clock). `seq` numbers the call's
 * lines from 0 (the live transcript, `POST /api/calls/:room/live`, and the final record share it,
 * so sending a line twice stores it once).
 */
export const TranscriptEntry = z
  .object({
    speaker: Speaker,
    text: z.string().max(4_000),
    atMs: z.number().int().min(0),
    /** The agent's utterance was cut short by the caller; `text` is what was actually spoken. */
    interrupted: z.boolean().optional(),
    seq: z.number().int().min(0).max(MAX_TRANSCRIPT_LINES - 1).optional(),
  })
  .strict();
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;

/** The caller talked over the agent, agent clock, ms since epoch. */
export const BargeIn = z.object({ atMs: z.number().int().min(0) }).strict();
export type BargeIn = z.infer<typeof BargeIn>;

/**
 * `POST /api/calls/:room/record` (agent worker → server, at call end; may be repeated, the last
 * one wins). Auth: `Authorization: Bearer <JWT>` signed with the LiveKit API key/secret, with the
 * video grant `{ room, agent: true }` (see `mintAgentServiceToken` in the agent worker).
 */
export const CallRecordUpload = z
  .object({
    outcome: CallOutcome,
    /** When the agent saw the call end, ms since epoch. */
    endedAtMs: z.number().int().min(0),
    transcript: z.array(TranscriptEntry).max(MAX_TRANSCRIPT_LINES),
    bargeIns: z.array(BargeIn).max(2_000).default([]),
    /** Agent-side timelines of the replies (optional; the widget's turns carry the stages). */
    timelines: z.array(AgentTurnTimeline).max(2_000).optional(),
  })
  .strict();
export type CallRecordUpload = z.infer<typeof CallRecordUpload>;
export type CallRecordUploadInput = z.input<typeof CallRecordUpload>;

/**
 * `POST /api/calls/:room/timelines` (agent worker → server, batched while the call runs, 204):
 * the agent's own timeline of each reply, the reference the widget's turn uploads are checked
 * against. Same auth as the call record. A reply sent again replaces the earlier copy.
 */
export const AgentTimelinesUpload = z.object({ timelines: z.array(AgentTurnTimeline).min(1).max(100) }).strict();
export type AgentTimelinesUpload = z.infer<typeof AgentTimelinesUpload>;

/**
 * `POST /api/sessions/:room/turns` (widget → server, once per measured turn). Body: one
 * {@link TurnLatency}. Auth: `Authorization: Bearer <the caller's LiveKit token>` from
 * `CreateSessionResponse.token` (its room grant must name `:room`). Accepted while the call is
 * open and for `TURN_UPLOAD_GRACE_S` after it ends (409 `call_closed` later); a pending turn may
 * be sent again (its stage split arrived), a decided one cannot (409 `turn_decided`).
 */
export const TurnUpload = TurnLatency;
export type TurnUpload = TurnLatency;

/**
 * Whether a stored turn was checked against the agent's own timeline of the reply it claims:
 * `pending` until that reply's timeline reaches the server; `verified` when it fits; `unverified`
 * when it does not, claims a reply another turn already claimed, or the call closed without a
 * matching reply. Only verified turns count in reports and aggregates.
 */
export const TurnVerification = z.enum(['pending', 'verified', 'unverified']);
export type TurnVerification = z.infer<typeof TurnVerification>;

/** Reply of `POST /api/sessions/:room/turns`. */
export const TurnUploadResponse = z.object({ stored: z.boolean(), verification: TurnVerification });
export type TurnUploadResponse = z.infer<typeof TurnUploadResponse>;
