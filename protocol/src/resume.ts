import { z } from 'zod';

/**
 * A call that survives its agent (issue 15). When the agent's participant leaves a room while the
 * call is open and the caller is still there — its job process or worker crashed — the server
 * dispatches the agent again with {@link ResumeMarker} in the job metadata; the new agent loads the
 * conversation so far (`GET /api/calls/:room/live`, the verified caller from the agent config),
 * says one sentence and goes on. The call stays one call; each outage is a {@link CallGap}.
 *
 * An agent that leaves on purpose (call ended, caller gone, a duplicate) first sets
 * {@link AGENT_LEAVING_ATTRIBUTE} on its participant, so its `participant_left` webhook starts
 * nothing.
 */

/** Attribute the agent sets on its participant just before it leaves on purpose (value: the reason). */
export const AGENT_LEAVING_ATTRIBUTE = 'voice.leaving';

/** How the server learnt the agent was gone. */
export const AgentLostCause = z.enum([
  /** The worker saw its job process for the room exit without ending the job (worker supervision). */
  'job_exit',
  /** The job process saw its worker die (it would be ended within 15 s) and handed its call over. */
  'worker_exit',
  /** LiveKit's `participant_left` webhook for the agent, with no leaving mark (e.g. the worker died too). */
  'participant_left',
]);
export type AgentLostCause = z.infer<typeof AgentLostCause>;

/** `resume` in {@link DispatchMetadata}: this dispatch continues a call whose agent was lost. */
export const ResumeMarker = z.object({
  /** When the previous agent was found gone, ms since epoch. */
  lostAtMs: z.number().int().min(0),
  /** Which resume of the call this is (1, 2, …). */
  attempt: z.number().int().min(1).max(100),
});
export type ResumeMarker = z.infer<typeof ResumeMarker>;

/**
 * One outage of the agent in a call, as the call record keeps it (`calls.resumes`). Times in ms
 * since epoch: `lostAtMs` when the server learnt the agent was gone (≈ the crash: the worker's
 * supervision polls every {@link JOB_WATCH_INTERVAL_MS}), `resumedAtMs` when the resumed agent's
 * first audio started playing (null until then, or when no agent came back).
 */
export const CallGap = z.object({
  lostAtMs: z.number().int().min(0),
  resumedAtMs: z.number().int().min(0).nullable(),
  cause: AgentLostCause,
  /** The participant identity of the agent that was lost (one gap per lost agent). */
  lostIdentity: z.string().min(1).max(256),
});
export type CallGap = z.infer<typeof CallGap>;

/** Most gaps one call keeps (a crash loop stops being resumed after this many). */
export const MAX_RESUMES = 5;

/** How often a worker checks that its job processes are alive, ms. */
export const JOB_WATCH_INTERVAL_MS = 200;

/**
 * `POST /api/calls/:room/agent-lost` (agent token): a worker saw this room's job process die, or
 * an orphaned job process saw its worker die and hands its call over.
 */
export const AgentLostReport = z
  .object({
    /** The lost agent's participant identity in the room. */
    identity: z.string().min(1).max(256),
    /** When the worker saw the job process gone, ms since epoch. */
    atMs: z.number().int().min(0),
    /** What was lost: the job process (reported by its worker, the default) or the worker (by its orphaned job). */
    cause: z.enum(['job_exit', 'worker_exit']).default('job_exit'),
  })
  .strict();
export type AgentLostReport = z.infer<typeof AgentLostReport>;

/** `POST /api/calls/:room/resumed` (agent token): the resumed agent's first audio started, ms since epoch. */
export const ResumedReport = z.object({ atMs: z.number().int().min(0) }).strict();
export type ResumedReport = z.infer<typeof ResumedReport>;

/** Reply of `POST …/agent-lost`: whether the server dispatched an agent again, and why not. */
export const AgentLostReply = z.object({
  resumed: z.boolean(),
  /** Why not: `call_ended`, `no_caller`, `already_resumed`, `too_many_resumes`, `outbound` (outbound phone calls are not resumed), `agent_present`. */
  reason: z.string().optional(),
});
export type AgentLostReply = z.infer<typeof AgentLostReply>;
