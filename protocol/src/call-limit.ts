import { z } from 'zod';
import { EpochMs } from './time.ts';

/**
 * How a call that reaches a limit ends with a goodbye instead of a cut-off: the server (the only
 * party allowed to change room metadata — callers' tokens carry no admin grant) writes
 * {@link RoomMetadata} with `callEnding` {@link CALL_END_WARNING_S} seconds before it deletes the
 * room; the agent, watching the room's metadata, stops what it is saying and says a short goodbye.
 */

/** Seconds between the server's warning and its deletion of the room. */
export const CALL_END_WARNING_S = 10;

/** Why the server ends a call. */
export const CallEndReason = z.enum(['max_call_length']);
export type CallEndReason = z.infer<typeof CallEndReason>;

/** The call will be ended by the server at `endsAt` (server clock, ms since epoch). */
export const CallEndingNotice = z.object({ reason: CallEndReason, endsAt: EpochMs }).strict();
export type CallEndingNotice = z.infer<typeof CallEndingNotice>;

/** The room's metadata (JSON) as the server writes it. Unknown keys are ignored by readers. */
export const RoomMetadata = z.object({ callEnding: CallEndingNotice.optional() });
export type RoomMetadata = z.infer<typeof RoomMetadata>;

/** Parses room metadata; anything that is not our JSON gives `{}` (never throws). */
export function parseRoomMetadata(raw: string | undefined): RoomMetadata {
  if (!raw) return {};
  try {
    const parsed = RoomMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
