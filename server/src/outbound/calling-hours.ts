import { type CallingHours, minutesOfDay } from '@voice-widget/protocol';

/**
 * Calling hours in the callee's time zone: a call may be placed only while the local time is in
 * `[start, end)` in every one of the callee's possible zones (time-zones.ts). Local time comes from
 * the runtime's IANA database (`Intl.DateTimeFormat`), so daylight saving time is handled.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight at `at` in `timeZone` (0–1439). @throws RangeError for an unknown zone. */
export function localMinutes(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')!.value);
  const minute = Number(parts.find((p) => p.type === 'minute')!.value);
  return hour * 60 + minute;
}

/** True when `at` is within `hours` in every zone of `zones`. */
export function withinCallingHours(at: Date, zones: readonly string[], hours: CallingHours): boolean {
  const start = minutesOfDay(hours.start);
  const end = minutesOfDay(hours.end);
  return zones.every((tz) => {
    const m = localMinutes(at, tz);
    return m >= start && m < end;
  });
}

/** Search step and horizon of {@link nextCallingWindow}, minutes. */
const STEP_MIN = 5;
const HORIZON_MIN = 3 * 24 * 60;

/**
 * The earliest moment at or after `from` (rounded up to 5 minutes) that is within calling hours in
 * every zone, or null when there is none within three days (zones too far apart for the window).
 */
export function nextCallingWindow(from: Date, zones: readonly string[], hours: CallingHours): Date | null {
  if (withinCallingHours(from, zones, hours)) return from;
  const stepMs = STEP_MIN * 60_000;
  let t = Math.ceil(from.getTime() / stepMs) * stepMs;
  for (let i = 0; i <= HORIZON_MIN / STEP_MIN; i++, t += stepMs) {
    if (withinCallingHours(new Date(t), zones, hours)) return new Date(t);
  }
  return null;
}
