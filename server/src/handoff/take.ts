import { randomBytes } from 'node:crypto';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import { PERSON_HANDOFF_ATTRIBUTE, PERSON_ROLE, PERSON_ROLE_ATTRIBUTE, PERSON_TOKEN_TTL_S, type TakeResponse } from '@voice-widget/protocol';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { calls } from '../db/schema.ts';
import { HttpError } from '../errors.ts';
import { recordPackage, takeHandoff } from '../repo/handoffs.ts';
import type { Staff } from '../repo/staff.ts';
import { buildPackage } from './package.ts';

/** LiveKit credentials and the URL browsers connect to. */
export interface RoomAccess {
  apiKey: string;
  apiSecret: string;
  publicUrl: string;
}

/**
 * A person takes a waiting hand-off (the console's *Take call*): it becomes theirs atomically,
 * they get the call's package (kept with the hand-off, delivered now) and a LiveKit token for the
 * caller's room — this room only, microphone only, subscribe, no data and no metadata changes,
 * {@link PERSON_TOKEN_TTL_S} seconds to join — whose attributes mark them as the person of this
 * hand-off (the agent hands over when they join; callers cannot set attributes).
 * @throws HttpError 409 `not_waiting` when someone else took it first, it expired, or the caller left.
 */
export async function takeCall(db: Db, access: RoomAccess, handoffId: number, staff: Staff): Promise<TakeResponse> {
  const identity = `person_${staff.keyId}_${randomBytes(6).toString('base64url')}`;
  const name = staff.name.trim().slice(0, 60) || 'a colleague';
  const row = await takeHandoff(db, handoffId, { keyId: staff.keyId, name, identity });
  if (!row) throw new HttpError(409, 'not_waiting', 'this caller is no longer waiting (taken by someone else, called back, or gone)');
  const [call] = await db.select().from(calls).where(eq(calls.id, row.callId));
  const pkg = await buildPackage(db, call!, row);
  await recordPackage(db, row.id, pkg, new Date());
  const at = new AccessToken(access.apiKey, access.apiSecret, {
    identity,
    name,
    ttl: PERSON_TOKEN_TTL_S,
    attributes: { [PERSON_ROLE_ATTRIBUTE]: PERSON_ROLE, [PERSON_HANDOFF_ATTRIBUTE]: String(row.id) },
  });
  at.addGrant({
    room: call!.room,
    roomJoin: true,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canSubscribe: true,
    canPublishData: false,
    canUpdateOwnMetadata: false,
  });
  return { url: access.publicUrl, token: await at.toJwt(), room: call!.room, identity, name, handoff: row.id, package: pkg };
}
