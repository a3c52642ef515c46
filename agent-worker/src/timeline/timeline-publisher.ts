import type { Room } from '@livekit/rtc-node';
import { type AgentTurnTimeline, TIMELINE_TOPIC } from '@voice-widget/protocol';
import type { Logger } from 'pino';

const encoder = new TextEncoder();

/** Sends a reply's timeline to the page (reliable data, topic `voice.timeline`). Never throws. */
export function publishTimeline(room: Room, timeline: AgentTurnTimeline, log: Logger): void {
  const participant = room.localParticipant;
  if (!participant) return;
  participant
    .publishData(encoder.encode(JSON.stringify(timeline)), { reliable: true, topic: TIMELINE_TOPIC })
    .catch((err: Error) => log.warn({ err: err.message }, 'timeline not published'));
  log.debug({ timeline }, 'turn timeline');
}
