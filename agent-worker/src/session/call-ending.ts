import { type Room, RoomEvent } from '@livekit/rtc-node';
import { type CallEndingNotice, parseRoomMetadata } from '@voice-widget/protocol';

/** What the agent says when the server ends the call at its time limit. */
export const TIME_LIMIT_GOODBYE = "I'm sorry, we've reached the time limit for this call. Thank you for calling, goodbye!";

/**
 * Calls `onEnding` once when the server announces in the room's metadata that it will end the
 * call (protocol call-limit.ts: `callEnding`, written by the server's sweeper before it deletes
 * the room) — also when the announcement was already there when the agent joined. Only the
 * server can set room metadata, so a caller cannot trigger it. Returns the stop function.
 */
export function watchCallEnding(room: Room, onEnding: (notice: CallEndingNotice) => void): () => void {
  let done = false;
  const check = (metadata: string | undefined) => {
    const notice = parseRoomMetadata(metadata).callEnding;
    if (!notice || done) return;
    done = true;
    onEnding(notice);
  };
  const listener = (metadata: string) => check(metadata);
  room.on(RoomEvent.RoomMetadataChanged, listener);
  check(room.metadata);
  return () => room.off(RoomEvent.RoomMetadataChanged, listener);
}
