import { ParticipantKind, type Room } from '@livekit/rtc-node';
import { AGENT_LEAVING_ATTRIBUTE, type DispatchMetadata, type LiveLine, type LiveState } from '@voice-widget/protocol';
import type { ApiResult } from '../server-api/client.ts';

/**
 * What a starting job is (issue 15): a `new` call; a `resume` of a call whose agent was lost,
 * dispatched by the server with the `resume` marker; or a `duplicate` that must leave at once —
 * another agent already serves the room, or it is LiveKit's own retry of a crashed or migrated job
 * (no marker, but the call already has a transcript). Only the server decides to resume a call
 * (one gap per lost agent, repo/resumes.ts), so two agents never both take a call over. Decided
 * once the job has joined the room, from its participants and the live state.
 */
export type JobRole =
  | { kind: 'new' }
  | { kind: 'resume'; lines: LiveLine[]; nextSeq: number; stateLoaded: boolean }
  | { kind: 'duplicate'; agent: string | null; reason: 'agent_present' | 'retry_of_resumed_call' };

/**
 * First `seq` of a resumed agent that could not read the live state: far past any earlier line
 * (so none is overwritten) and still within MAX_TRANSCRIPT_LINES.
 */
export const BLIND_RESUME_FIRST_SEQ = 1_000;

/** Another agent in the room that is not leaving on purpose, or null. */
export function otherAgent(room: Pick<Room, 'remoteParticipants'>): string | null {
  for (const p of room.remoteParticipants.values()) {
    if (p.info.kind === ParticipantKind.AGENT && !p.attributes[AGENT_LEAVING_ATTRIBUTE]) return p.identity;
  }
  return null;
}

/**
 * Decides the job's {@link JobRole}. `live` is `GET …/live` (null without a server). A job with
 * neither the marker nor an earlier transcript is a new call; a resume that could not load the
 * live state still resumes (the caller is waiting) and numbers its lines from
 * {@link BLIND_RESUME_FIRST_SEQ}.
 */
export function jobRole(meta: DispatchMetadata | undefined, live: ApiResult<LiveState> | null, room: Pick<Room, 'remoteParticipants'>): JobRole {
  const state = live?.ok ? live.value : null;
  if (!meta?.resume) {
    const retry = state !== null && state.nextSeq > 0 && !state.ended;
    return retry ? { kind: 'duplicate', agent: otherAgent(room), reason: 'retry_of_resumed_call' } : { kind: 'new' };
  }
  const agent = otherAgent(room);
  if (agent) return { kind: 'duplicate', agent, reason: 'agent_present' };
  return state
    ? { kind: 'resume', lines: state.lines, nextSeq: state.nextSeq, stateLoaded: true }
    : { kind: 'resume', lines: [], nextSeq: BLIND_RESUME_FIRST_SEQ, stateLoaded: false };
}

/**
 * Marks this agent's participant as leaving on purpose (`voice.leaving` = `reason`), so LiveKit's
 * `participant_left` webhook starts no resume. Never throws (the room may already be gone).
 */
export async function markLeaving(room: Room, reason: string): Promise<void> {
  await room.localParticipant?.setAttributes({ [AGENT_LEAVING_ATTRIBUTE]: reason || 'ended' }).catch(() => {});
}
