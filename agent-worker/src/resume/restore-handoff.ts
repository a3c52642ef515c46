import type { RemoteParticipant, Room } from '@livekit/rtc-node';
import { PERSON_HANDOFF_ATTRIBUTE } from '@voice-widget/protocol';
import type { Logger } from 'pino';
import type { Conversation } from '../handoff/conversation.ts';
import { isPerson } from '../handoff/person.ts';
import type { WarmHandoff } from '../handoff/warm.ts';
import type { ServerClient } from '../server-api/client.ts';

/**
 * Where a resumed call stands with a person (README "A call that survives its agent"):
 * - `with_person`: the caller was already handed over and the person is still in the room — the
 *   new agent takes notes again and says nothing (its resume sentence would talk over them);
 * - `queued`: a warm hand-off was waiting for a person, or one was on the way — the new agent
 *   watches for them again, with the wait limit the server counts;
 * - `none`: no open hand-off (or the server could not say): the agent has the conversation.
 */
export type HandoffOnResume = 'with_person' | 'queued' | 'none';

/**
 * Takes over the call's newest hand-off (`GET /api/calls/:room/handoff`) for a resumed agent.
 * Never throws: a hand-off the server cannot report is `none`.
 */
export async function restoreHandoff(deps: {
  room: Pick<Room, 'remoteParticipants'>;
  server: Pick<ServerClient, 'handoffState'>;
  warm: Pick<WarmHandoff, 'restore'>;
  conversation: Pick<Conversation, 'handOver'>;
  log: Logger;
}): Promise<HandoffOnResume> {
  const res = await deps.server.handoffState();
  if (!res.ok) return 'none'; // 404: no hand-off on this call
  const s = res.value;
  if (s.status === 'connected') {
    const person = [...deps.room.remoteParticipants.values()].find((p: RemoteParticipant) => isPerson(p) && p.attributes[PERSON_HANDOFF_ATTRIBUTE] === String(s.id));
    if (!person) return 'none';
    await deps.conversation.handOver(person, s.id, { restored: true });
    deps.log.info({ handoff: s.id }, 'resumed with the caller already talking to a person: taking notes');
    return 'with_person';
  }
  return deps.warm.restore(s) ? 'queued' : 'none';
}
