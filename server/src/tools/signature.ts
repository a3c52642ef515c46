import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the requests the server sends to a customer's tool endpoint, in the scheme Stripe
 * and LiveKit webhooks use: header `X-Voice-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is
 * HMAC-SHA256 over `"<t>.<raw body>"` keyed with the agent's secret. The receiver recomputes it
 * over the raw body and rejects it when the timestamp is more than {@link SIGNATURE_TOLERANCE_S}
 * away from its clock (a replayed request).
 */

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'x-voice-signature';

/** How far a signature's timestamp may be from the receiver's clock, seconds. */
export const SIGNATURE_TOLERANCE_S = 300;

/** The header value for `body` signed at `nowS` (unix seconds). */
export function signPayload(secret: string, body: string, nowS = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${nowS}.${body}`).digest('hex');
  return `t=${nowS},v1=${mac}`;
}

/** Why {@link verifyPayload} rejected a request. */
export type SignatureProblem = 'missing' | 'malformed' | 'expired' | 'mismatch';

/**
 * Checks a signature header against the raw body: the recipe a customer endpoint runs (README
 * "Customer endpoints"). Returns null when valid, else the problem.
 */
export function verifyPayload(
  secret: string,
  header: string | undefined,
  body: string,
  nowS = Math.floor(Date.now() / 1000),
  toleranceS = SIGNATURE_TOLERANCE_S,
): SignatureProblem | null {
  if (!header) return 'missing';
  const m = /^t=(\d{1,12}),v1=([a-f0-9]{64})$/.exec(header);
  if (!m) return 'malformed';
  const t = Number(m[1]);
  if (Math.abs(nowS - t) > toleranceS) return 'expired';
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) ? null : 'mismatch';
}
