/**
 * The callee's time zone(s) from the country calling code of an E.164 number — for calling hours
 * when the request does not say where the callee is. A small table on purpose: the countries a
 * customer is likely to call, each with every IANA zone its mainland and main islands use. Where a
 * country spans several zones (the North American Numbering Plan, Australia, Brazil, Mexico, …)
 * all of them are listed and a call must fit the window in *every* one of them (calling-hours.ts):
 * conservative, because the area code is not looked up. Pass the request's `timeZone` (a CRM's
 * record, the caller's browser) for the exact zone. Country codes: ITU-T E.164 assigned codes
 * (ITU-T Operational Bulletin, "List of ITU-T Recommendation E.164 assigned country codes").
 * Codes not listed (e.g. +7, which spans eleven zones) need the request's `timeZone`.
 */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, readonly string[]>> = {
  // North American Numbering Plan: US, Canada and the Caribbean (Atlantic … Hawaii).
  '1': ['America/St_Johns', 'America/Halifax', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'],
  '20': ['Africa/Cairo'],
  '27': ['Africa/Johannesburg'],
  '30': ['Europe/Athens'],
  '31': ['Europe/Amsterdam'],
  '32': ['Europe/Brussels'],
  '33': ['Europe/Paris'],
  '34': ['Europe/Madrid', 'Atlantic/Canary'],
  '36': ['Europe/Budapest'],
  '39': ['Europe/Rome'],
  '40': ['Europe/Bucharest'],
  '41': ['Europe/Zurich'],
  '43': ['Europe/Vienna'],
  '44': ['Europe/London'],
  '45': ['Europe/Copenhagen'],
  '46': ['Europe/Stockholm'],
  '47': ['Europe/Oslo'],
  '48': ['Europe/Warsaw'],
  '49': ['Europe/Berlin'],
  '52': ['America/Tijuana', 'America/Hermosillo', 'America/Mexico_City', 'America/Cancun'],
  '55': ['America/Noronha', 'America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'],
  '61': ['Australia/Perth', 'Australia/Darwin', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Sydney'],
  '64': ['Pacific/Auckland'],
  '65': ['Asia/Singapore'],
  '81': ['Asia/Tokyo'],
  '82': ['Asia/Seoul'],
  '86': ['Asia/Shanghai'],
  '91': ['Asia/Kolkata'],
  '351': ['Europe/Lisbon', 'Atlantic/Azores'],
  '353': ['Europe/Dublin'],
  '358': ['Europe/Helsinki'],
  '420': ['Europe/Prague'],
  '971': ['Asia/Dubai'],
  '972': ['Asia/Jerusalem'],
};

/**
 * The time zones of the country an E.164 number belongs to (longest matching country code), or
 * null when the table does not know it.
 */
export function zonesForNumber(e164: string): readonly string[] | null {
  const digits = e164.replace(/^\+/, '');
  for (const len of [3, 2, 1]) {
    const zones = COUNTRY_TIME_ZONES[digits.slice(0, len)];
    if (zones) return zones;
  }
  return null;
}
