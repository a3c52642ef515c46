import { type CallingHours, normalizePhoneNumber } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { HttpError } from '../errors.ts';
import { onDoNotCallList } from '../repo/do-not-call.ts';
import { nextCallingWindow, withinCallingHours } from './calling-hours.ts';
import { zonesForNumber } from './time-zones.ts';

/**
 * The checks every outbound call passes before anything is dialled — when it is requested (a clear
 * 4xx for the requester) and again when the dialer picks it up (the list may have changed since):
 * a valid number, outbound calling on for the agent, not on the do-not-call list, inside calling
 * hours in the callee's time zone. The daily cap is checked where the call is queued
 * (repo/outbound-calls.ts, serialised per agent).
 */

/**
 * A number as given → E.164.
 * @throws HttpError 400 `invalid_number`.
 */
export function calleeNumber(raw: string): string {
  const n = normalizePhoneNumber(raw);
  if (!n) throw new HttpError(400, 'invalid_number', `"${raw.slice(0, 40)}" is not a phone number (E.164, e.g. +15550123) — nothing was dialled`);
  return n;
}

/**
 * The zones whose local time must be within calling hours: the request's zone, else every zone of
 * the number's country (time-zones.ts).
 * @throws HttpError 422 `time_zone_unknown` when neither is known.
 */
export function calleeZones(number: string, timeZone: string | null | undefined): readonly string[] {
  if (timeZone) return [timeZone];
  const zones = zonesForNumber(number);
  if (!zones) throw new HttpError(422, 'time_zone_unknown', 'the callee’s time zone is not known from this number’s country code: pass timeZone (IANA, e.g. Europe/Moscow) — nothing was dialled');
  return zones;
}

/** Why a call may not be placed now, or null when it may. `nextWindow`: when calling hours open again. */
export type Refusal =
  | { code: 'outbound_disabled' | 'do_not_call'; nextWindow?: undefined }
  | { code: 'outside_calling_hours'; nextWindow: Date | null };

/** Checks the do-not-call list, the agent's switch and calling hours at `now`. */
export async function refusal(
  db: Db,
  c: { number: string; zones: readonly string[]; hours: CallingHours; maxCallsPerDay: number },
  now = new Date(),
): Promise<Refusal | null> {
  if (c.maxCallsPerDay === 0) return { code: 'outbound_disabled' };
  if (await onDoNotCallList(db, c.number)) return { code: 'do_not_call' };
  if (!withinCallingHours(now, c.zones, c.hours)) return { code: 'outside_calling_hours', nextWindow: nextCallingWindow(now, c.zones, c.hours) };
  return null;
}

/** The 4xx a requester gets for a refusal. */
export function refusalError(r: Refusal, hours: CallingHours, zones: readonly string[]): HttpError {
  switch (r.code) {
    case 'outbound_disabled':
      return new HttpError(403, 'outbound_disabled', 'outbound calling is off for this agent (outbound.maxCallsPerDay is 0) — nothing was dialled');
    case 'do_not_call':
      return new HttpError(403, 'do_not_call', 'this number is on the do-not-call list — nothing was dialled');
    case 'outside_calling_hours': {
      const next = r.nextWindow ? ` The next window opens at ${r.nextWindow.toISOString()}.` : '';
      return new HttpError(
        403,
        'outside_calling_hours',
        `outside calling hours (${hours.start}–${hours.end} in ${zones.length === 1 ? zones[0] : `every zone of the number's country: ${zones.join(', ')}`}) — nothing was dialled.${next}`,
      );
    }
  }
}
