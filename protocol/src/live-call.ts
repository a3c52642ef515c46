import { z } from 'zod';
import { MAX_TRANSCRIPT_LINES, TranscriptEntry } from './call-record.ts';

/**
 * Live call state: what the server knows about a call while it runs, so that other people and
 * processes can act on it before the call ends — the hand-off console shows the transcript so far,
 * and a worker that takes over a call (another agent process after a crash) reads where the
 * conversation stands and continues numbering from `nextSeq`.
 *
 * The agent posts each finished utterance as it happens, in small batches. Lines carry a `seq`
 * (0, 1, 2 … per call): a batch sent twice — a retry after a timeout, a reconnect — stores each
 * line once (the server upserts by `seq`), so a sender may always resend what it is not sure of.
 */

/** One line of the live transcript: a {@link TranscriptEntry} whose `seq` is required. */
export const LiveLine = TranscriptEntry.required({ seq: true });
export type LiveLine = z.infer<typeof LiveLine>;

/** Most lines in one `POST /api/calls/:room/live`. */
export const MAX_LIVE_BATCH = 100;

/** `POST /api/calls/:room/live` (agent token) → {@link LiveAck}. Idempotent per `seq`. */
export const LiveUpload = z.object({ lines: z.array(LiveLine).min(1).max(MAX_LIVE_BATCH) }).strict();
export type LiveUpload = z.infer<typeof LiveUpload>;

/** Reply of `POST …/live`: the next `seq` the server expects (one past the highest it holds). */
export const LiveAck = z.object({ nextSeq: z.number().int().min(0).max(MAX_TRANSCRIPT_LINES) });
export type LiveAck = z.infer<typeof LiveAck>;

/**
 * `GET /api/calls/:room/live` (agent token): the call's transcript so far (PII-redacted, as
 * stored) and the next `seq`; what a worker resuming the call starts from.
 */
export const LiveState = z.object({
  lines: z.array(LiveLine),
  nextSeq: z.number().int().min(0).max(MAX_TRANSCRIPT_LINES),
  /** The call has ended: nothing more is accepted. */
  ended: z.boolean(),
});
export type LiveState = z.infer<typeof LiveState>;
