import { z } from 'zod';

/**
 * Phone numbers and SIP targets, on their own so every schema can use them (phone.ts, the agent's
 * outbound settings, the outbound API) without import cycles.
 */

/** A phone number in E.164 (`+` and 8–15 digits), e.g. `+15550123`. */
export const E164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'phone number must be E.164, e.g. +15550123');

/** A number shown with its last four digits only (`…0150`): dashboards and public pages never show a whole number. */
export const maskedNumber = (e164: string): string => (e164.length > 4 ? `…${e164.slice(-4)}` : e164);

/** A REFER target: `tel:+15550199` or `sip:desk@pbx.example.com[:port]`. */
export const TransferTarget = z
  .string()
  .max(256)
  .regex(/^(tel:\+[1-9]\d{7,14}|sips?:[^\s@]+@[^\s@]+)$/, 'transfer target must be tel:+E164 or sip:user@host');

/**
 * A number as people and SIP headers write it (`sip.phoneNumber` with or without `+`, `00` prefix,
 * spaces, dots, dashes, brackets) → E.164, or null when it is not a plausible number.
 */
export function normalizePhoneNumber(raw: string): string | null {
  const trimmed = raw.trim().replace(/^(sip|tel):/i, '').replace(/@.*$/, '');
  const digits = trimmed.replace(/[\s().-]/g, '');
  const e164 = digits.startsWith('+') ? digits : digits.startsWith('00') ? `+${digits.slice(2)}` : `+${digits}`;
  return E164.safeParse(e164).success ? e164 : null;
}
