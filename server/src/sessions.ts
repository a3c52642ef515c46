import { randomBytes } from 'node:crypto';
import { AccessToken, RoomAgentDispatch, type RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import { CALLER_JOIN_WINDOW_S, type CreateSessionRequest, type CreateSessionResponse, type DispatchMetadata } from '@voice-widget/protocol';

/** What {@link createSession} needs; passed in so tests can use a real or a recording room service. */
export interface SessionDeps {
  rooms: Pick<RoomServiceClient, 'createRoom'>;
  apiKey: string;
  apiSecret: string;
  /** LiveKit URL the browser connects to. */
  publicUrl: string;
  /** Agent name the worker registers under. */
  agentName: string;
  /** Token lifetime, seconds. */
  tokenTtlS: number;
}

/** Random id, 96 bits, URL-safe. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** Names chosen before the room exists (the call is recorded first), and limits. */
export interface SessionPlan {
  room: string;
  identity: string;
  /** Agent configuration version pinned for the call. */
  agentVersion?: number;
  /** Shorter token lifetime, seconds (the call's time limit). */
  maxTtlS?: number;
  /** The caller's last moment to join (the call record's `joinBy`); default the join window. */
  joinBy?: Date;
}

/**
 * Creates a room with the agent dispatched explicitly (the agent starts joining before the
 * caller does) and mints the caller's token.
 *
 * Token grants (least privilege that works): join this one room; publish the microphone only;
 * subscribe; publish data (needed for RPC — barge-in, end-of-turn hint, clock probes — and
 * `lk.chat` text); no metadata updates, no admin. Expires after `tokenTtlS` (≤ 600 s).
 * @throws whatever the room service throws (the route maps it to 502).
 */
export async function createSession(
  deps: SessionDeps,
  req: CreateSessionRequest,
  plan: SessionPlan = { room: newId('web'), identity: newId('caller') },
): Promise<CreateSessionResponse> {
  const { room, identity } = plan;
  const ttlS = Math.min(deps.tokenTtlS, plan.maxTtlS ?? deps.tokenTtlS);
  const expiresAt = Date.now() + ttlS * 1000;
  // A token is only checked when joining: a (prefetched) session is usable until either ends.
  const joinBy = Math.min(expiresAt, plan.joinBy?.getTime() ?? Date.now() + CALLER_JOIN_WINDOW_S * 1000);
  const metadata: DispatchMetadata = {
    agent: req.agent,
    channel: 'web',
    joinBy,
    ...(plan.agentVersion ? { agentVersion: plan.agentVersion } : {}),
    ...(req.language ? { language: req.language } : {}),
    ...(req.name ? { callerName: req.name } : {}),
  };
  await deps.rooms.createRoom({
    name: room,
    emptyTimeout: CALLER_JOIN_WINDOW_S, // caller never shows up (e.g. a hover prefetch): close
    departureTimeout: 20, // survives a short network drop of the caller
    maxParticipants: 4,
    agents: [new RoomAgentDispatch({ agentName: deps.agentName, metadata: JSON.stringify(metadata) })],
  });
  const at = new AccessToken(deps.apiKey, deps.apiSecret, {
    identity,
    name: req.name,
    ttl: ttlS,
  });
  at.addGrant({
    room,
    roomJoin: true,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
  });
  const token = await at.toJwt();
  return {
    url: deps.publicUrl,
    token,
    room,
    identity,
    agent: req.agent,
    expiresAt,
    joinBy,
  };
}
