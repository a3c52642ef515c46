import { ParticipantKind, type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';

/** The parts of a participant the SIP checks read (a plain object in tests). */
export interface ParticipantLike {
  identity: string;
  kind?: ParticipantKind;
  attributes: Record<string, string>;
}

/** True for a phone caller bridged in by livekit-sip: kind SIP, or LiveKit's `sip.*` attributes. */
export function isSipParticipant(p: ParticipantLike): boolean {
  return p.kind === ParticipantKind.SIP || 'sip.callID' in p.attributes || 'sip.phoneNumber' in p.attributes;
}

/** What livekit-sip tells about the call (participant attributes set by livekit-sip). */
export interface SipCaller {
  identity: string;
  /** `sip.phoneNumber`: the caller's number as received (From user). */
  phoneNumber?: string;
  /** `sip.trunkPhoneNumber`: the number the caller dialled. */
  trunkNumber?: string;
  /** `sip.callID`: LiveKit's call id (`SCL_…`). */
  callId?: string;
}

export function sipCaller(p: ParticipantLike): SipCaller {
  const a = p.attributes;
  return {
    identity: p.identity,
    ...(a['sip.phoneNumber'] ? { phoneNumber: a['sip.phoneNumber'] } : {}),
    ...(a['sip.trunkPhoneNumber'] ? { trunkNumber: a['sip.trunkPhoneNumber'] } : {}),
    ...(a['sip.callID'] ? { callId: a['sip.callID'] } : {}),
  };
}

/**
 * The SIP caller in `room` (connected): the one already there, or the first to join within
 * `timeoutMs`. Resolves null on timeout (the caller hung up while ringing).
 */
export function waitForSipCaller(room: Room, timeoutMs: number): Promise<RemoteParticipant | null> {
  for (const p of room.remoteParticipants.values()) if (isSipParticipant(p)) return Promise.resolve(p);
  return new Promise((resolve) => {
    const onJoin = (p: RemoteParticipant) => {
      if (!isSipParticipant(p)) return;
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantConnected, onJoin);
      resolve(p);
    };
    const timer = setTimeout(() => {
      room.off(RoomEvent.ParticipantConnected, onJoin);
      resolve(null);
    }, timeoutMs);
    room.on(RoomEvent.ParticipantConnected, onJoin);
  });
}
