import { jwtVerify } from 'jose';
import { z } from 'zod';
import { HttpError } from './errors.ts';

/** Longest a signed identity may be valid for, seconds: a leaked one is useless within the hour. */
export const MAX_IDENTITY_TTL_S = 3600;

const Claims = z.object({
  sub: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  name: z.string().trim().min(1).max(120),
  exp: z.number().int(),
  iat: z.number().int().optional(),
});

/** A web caller's identity as the host site vouched for it. */
export interface SignedIdentity {
  customerId: string;
  name: string;
}

/**
 * Checks a signed identity (README "Signed identity"): a JWT the host site's server signs with the
 * agent's secret, HS256 only, claims `sub` (customer id), `name` and `exp` at most
 * {@link MAX_IDENTITY_TTL_S} ahead; 30 s of clock skew allowed.
 * @throws HttpError 401 `invalid_identity` naming what is wrong (never the token itself).
 */
export async function verifySignedIdentity(token: string, secret: string, nowS = Math.floor(Date.now() / 1000)): Promise<SignedIdentity> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      clockTolerance: 30,
      currentDate: new Date(nowS * 1000),
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (err) {
    throw new HttpError(401, 'invalid_identity', `signed identity rejected: ${(err as { code?: string }).code ?? 'invalid'}`);
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw new HttpError(401, 'invalid_identity', 'signed identity needs "sub" (customer id), "name" and "exp"');
  if (claims.data.exp - nowS > MAX_IDENTITY_TTL_S + 30) throw new HttpError(401, 'invalid_identity', `signed identity must expire within ${MAX_IDENTITY_TTL_S} s`);
  return { customerId: claims.data.sub, name: claims.data.name };
}
