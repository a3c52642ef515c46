import type { AgentDispatchClient, ParticipantInfo, RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { AGENT_LEAVING_ATTRIBUTE, type AgentLostCause, type AgentLostReply, type DispatchMetadata, parseDispatchMetadata } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { findAgentById } from '../repo/agents.ts';
import { findCall } from '../repo/calls.ts';
import { findOutboundByRoom } from '../repo/outbound-calls.ts';
import { dropGap, openGap } from '../repo/resumes.ts';

/** `ParticipantInfo.Kind.AGENT` (livekit/protocol livekit_models.proto; the SDK does not re-export the enum). */
export const PARTICIPANT_KIND_AGENT = 4;

/** What {@link resumeCall} needs: the database and LiveKit's room and dispatch services. */
export interface ResumeDeps {
  db: Db;
  rooms: Pick<RoomServiceClient, 'listParticipants' | 'removeParticipant'>;
  dispatch: Pick<AgentDispatchClient, 'createDispatch' | 'listDispatch'>;
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
 * The agent of `room` is gone without ending the call: if the call is open, a web call or an
 * inbound phone call, its caller is still in the room and no other agent is, records the gap (the
 * one lock: a second report of the same loss does nothing, see repo/resumes.ts), removes the lost
 * agent's participant if LiveKit still lists it (a crashed process lingers until LiveKit times it
 * out, ~20 s), and dispatches the agent again with the `resume` marker. Returns whether it did,
 * and why not.
 * A phone call's agent was dispatched by the SIP dispatch rule: the new dispatch copies that
 * dispatch's metadata (its `transferTo`, read back from LiveKit), and the resumed agent's
 * `POST …/phone` finds the open call record. Outbound calls are not resumed (`outbound`): their
 * agent's answering-machine detection and opener cannot start again mid-call.
 * @throws whatever LiveKit's dispatch service throws (the gap is withdrawn first).
 */
export async function resumeCall(deps: ResumeDeps, room: string, lost: LostAgent): Promise<AgentLostReply> {
  const call = await findCall(deps.db, room);
  if (!call || call.endedAt) return { resumed: false, reason: 'call_ended' };
  if (call.channel === 'phone' && (await findOutboundByRoom(deps.db, room))) return { resumed: false, reason: 'outbound' };
  const participants = await deps.rooms.listParticipants(room).catch(() => [] as ParticipantInfo[]);
  if (!participants.some((p) => p.identity === call.callerIdentity)) return { resumed: false, reason: 'no_caller' };
  if (participants.some((p) => p.identity !== lost.identity && isUnmarkedAgent(p))) return { resumed: false, reason: 'agent_present' };
  const gap = await openGap(deps.db, room, { lostAtMs: lost.atMs, cause: lost.cause, lostIdentity: lost.identity });
  if ('refused' in gap) return { resumed: false, reason: gap.refused };
  if (participants.some((p) => p.identity === lost.identity)) {
    await deps.rooms.removeParticipant(room, lost.identity).catch((err: Error) => deps.log.warn({ room, err: err.message }, 'lost agent not removed'));
  }
  try {
    const agent = await findAgentById(deps.db, call.agentId, call.agentVersion);
    const metadata: DispatchMetadata = {
      ...(call.channel === 'phone' ? await firstDispatch(deps, room) : {}),
      agent: agent?.slug ?? '',
      channel: call.channel === 'phone' ? 'phone' : 'web',
      agentVersion: call.agentVersion,
      resume: { lostAtMs: lost.atMs, attempt: gap.attempt },
    };
    await deps.dispatch.createDispatch(room, deps.agentName, { metadata: JSON.stringify(metadata) });
  } catch (err) {
    await dropGap(deps.db, room, lost.identity);
    throw err;
  }
  deps.log.info({ room, cause: lost.cause, attempt: gap.attempt }, 'agent lost mid-call; dispatched again to resume');
  return { resumed: true };
}

/**
 * The metadata of the room's first dispatch of our agent without a `resume` marker — for a phone
 * call, the SIP dispatch rule's (its `transferTo`) — or `{}` when LiveKit lists none that parses.
 */
async function firstDispatch(deps: ResumeDeps, room: string): Promise<Partial<DispatchMetadata>> {
  const dispatches = await deps.dispatch.listDispatch(room).catch((err: Error) => {
    deps.log.warn({ room, err: err.message }, 'dispatches not listed; resuming with defaults');
    return [];
  });
  for (const d of dispatches) {
    if (d.agentName !== deps.agentName || !d.metadata) continue;
    const parsed = parseDispatchMetadata(d.metadata);
    if (parsed.ok && !parsed.value.resume) return parsed.value;
  }
  return {};
}
