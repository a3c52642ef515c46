import type { AgentDispatchClient, ParticipantInfo, RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { AGENT_LEAVING_ATTRIBUTE, type AgentLostCause, type AgentLostReply, type DispatchMetadata } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { findAgentById } from '../repo/agents.ts';
import { findCall } from '../repo/calls.ts';
import { dropGap, openGap } from '../repo/resumes.ts';

/** `ParticipantInfo.Kind.AGENT` (livekit/protocol livekit_models.proto; the SDK does not re-export the enum). */
export const PARTICIPANT_KIND_AGENT = 4;

/** What {@link resumeCall} needs: the database and LiveKit's room and dispatch services. */
export interface ResumeDeps {
  db: Db;
  rooms: Pick<RoomServiceClient, 'listParticipants' | 'removeParticipant'>;
  dispatch: Pick<AgentDispatchClient, 'createDispatch'>;
  /** Agent name the workers register under. */
  agentName: string;
  log: Logger;
}

/** A lost agent: who, since when (ms since epoch), and how the server learnt it. */
export interface LostAgent {
  identity: string;
  atMs: number;
  cause: AgentLostCause;
}

/** True when LiveKit says `p` is an agent participant that did not mark itself as leaving on purpose. */
export function isUnmarkedAgent(p: Pick<ParticipantInfo, 'kind' | 'attributes'>): boolean {
  return p.kind === PARTICIPANT_KIND_AGENT && !p.attributes?.[AGENT_LEAVING_ATTRIBUTE];
}

/**
 * The agent of `room` is gone without ending the call: if the call is open, it is a web call, its
 * caller is still in the room and no other agent is, records the gap (the one lock: a second
 * report of the same loss does nothing, see repo/resumes.ts), removes the lost agent's participant
 * if LiveKit still lists it (a crashed process lingers until LiveKit times it out, ~20 s), and
 * dispatches the agent again with the `resume` marker. Returns whether it did, and why not.
 * Phone calls are not resumed yet: their agent is dispatched by the SIP dispatch rule and its start
 * (`POST …/phone`) is not safe to repeat.
 * @throws whatever LiveKit's dispatch service throws (the gap is withdrawn first).
 */
export async function resumeCall(deps: ResumeDeps, room: string, lost: LostAgent): Promise<AgentLostReply> {
  const call = await findCall(deps.db, room);
  if (!call || call.endedAt) return { resumed: false, reason: 'call_ended' };
  if (call.channel !== 'web') return { resumed: false, reason: 'not_web' };
  const participants = await deps.rooms.listParticipants(room).catch(() => [] as ParticipantInfo[]);
  if (!participants.some((p) => p.identity === call.callerIdentity)) return { resumed: false, reason: 'no_caller' };
  if (participants.some((p) => p.identity !== lost.identity && isUnmarkedAgent(p))) return { resumed: false, reason: 'agent_present' };
  const gap = await openGap(deps.db, room, { lostAtMs: lost.atMs, cause: lost.cause, lostIdentity: lost.identity });
  if ('refused' in gap) return { resumed: false, reason: gap.refused };
  if (participants.some((p) => p.identity === lost.identity)) {
    await deps.rooms.removeParticipant(room, lost.identity).catch((err: Error) => deps.log.warn({ room, err: err.message }, 'lost agent not removed'));
  }
  const agent = await findAgentById(deps.db, call.agentId, call.agentVersion);
  const metadata: DispatchMetadata = {
    agent: agent?.slug ?? '',
    channel: 'web',
    agentVersion: call.agentVersion,
    resume: { lostAtMs: lost.atMs, attempt: gap.attempt },
  };
  try {
    await deps.dispatch.createDispatch(room, deps.agentName, { metadata: JSON.stringify(metadata) });
  } catch (err) {
    await dropGap(deps.db, room, lost.identity);
    throw err;
  }
  deps.log.info({ room, cause: lost.cause, attempt: gap.attempt }, 'agent lost mid-call; dispatched again to resume');
  return { resumed: true };
}
