import { describe, expect, it } from 'vitest';
import { CallingHours } from '@voice-widget/protocol';
import { localMinutes, nextCallingWindow, withinCallingHours } from './calling-hours.ts';
import { COUNTRY_TIME_ZONES, zonesForNumber } from './time-zones.ts';

const DEFAULT = CallingHours.parse({});

describe('calling hours in the callee’s time zone', () => {
  it('reads local time with daylight saving time', () => {
    // 12:00 UTC is 08:00 in New York in summer (EDT, −4) and 07:00 in winter (EST, −5).
    expect(localMinutes(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(8 * 60);
    expect(localMinutes(new Date('2026-12-01T12:00:00Z'), 'America/New_York')).toBe(7 * 60);
    expect(localMinutes(new Date('2026-12-01T12:00:00Z'), 'Asia/Kolkata')).toBe(17 * 60 + 30);
  });

  it('allows [start, end) and refuses outside it', () => {
    const berlin = ['Europe/Berlin'];
    expect(withinCallingHours(new Date('2026-12-01T07:00:00Z'), berlin, DEFAULT)).toBe(true); // 08:00 CET
    expect(withinCallingHours(new Date('2026-12-01T06:59:00Z'), berlin, DEFAULT)).toBe(false);
    expect(withinCallingHours(new Date('2026-12-01T19:59:00Z'), berlin, DEFAULT)).toBe(true); // 20:59
    expect(withinCallingHours(new Date('2026-12-01T20:00:00Z'), berlin, DEFAULT)).toBe(false); // 21:00
    expect(withinCallingHours(new Date('2026-12-01T03:00:00Z'), berlin, CallingHours.parse({ start: '00:00', end: '24:00' }))).toBe(true);
  });

  it('needs the window in every zone of a country that spans several', () => {
    const nanp = zonesForNumber('+15550123')!;
    expect(nanp).toContain('Pacific/Honolulu');
    // 14:00 UTC in winter: 09:00 New York but 04:00 Honolulu → refused for a +1 number without a zone.
    const at = new Date('2026-12-01T14:00:00Z');
    expect(withinCallingHours(at, ['America/New_York'], DEFAULT)).toBe(true);
    expect(withinCallingHours(at, nanp, DEFAULT)).toBe(false);
    // 19:00 UTC: 14:00 New York, 09:00 Honolulu, 15:00 Halifax, 15:30 St John's → allowed.
    expect(withinCallingHours(new Date('2026-12-01T19:00:00Z'), nanp, DEFAULT)).toBe(true);
  });

  it('finds the next window, and none when the zones never share one', () => {
    const next = nextCallingWindow(new Date('2026-12-01T22:10:00Z'), ['Europe/Berlin'], DEFAULT); // 23:10 CET
    expect(next?.toISOString()).toBe('2026-12-02T07:00:00.000Z');
    const now = new Date('2026-12-01T10:00:00Z');
    expect(nextCallingWindow(now, ['Europe/Berlin'], DEFAULT)).toBe(now);
    expect(nextCallingWindow(now, ['Pacific/Kiritimati', 'Pacific/Pago_Pago'], CallingHours.parse({ start: '09:00', end: '10:00' }))).toBeNull();
  });

  it('knows country codes by the longest prefix, and not the ones it lacks', () => {
    expect(zonesForNumber('+4930123456')).toEqual(['Europe/Berlin']);
    expect(zonesForNumber('+353123456789')).toEqual(['Europe/Dublin']);
    expect(zonesForNumber('+74951234567')).toBeNull();
    // Every zone of the table is one the runtime's IANA database knows.
    for (const zones of Object.values(COUNTRY_TIME_ZONES)) for (const tz of zones) expect(() => localMinutes(new Date(), tz)).not.toThrow();
  });
});
