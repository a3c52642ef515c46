import type { Request, RequestHandler } from 'express';
import { TokenVerifier } from 'livekit-server-sdk';
import type { Db } from './db/client.ts';
import { HttpError } from './errors.ts';
import { verifyAdminKey, verifyAdminSession } from './repo/admin-keys.ts';
import { verifyStaffKey, verifyStaffSession } from './repo/staff.ts';

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict, path /). */
export const SESSION_COOKIE = 'vw_admin';

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S{1,4096})$/i.exec(h);
  return m ? m[1]! : null;
}

/**
 * A cookie's value from the request (no cookie-parser needed for one cookie).
 * @throws HttpError 400 when its value is not valid percent-encoding (e.g. `%E0%A4%A`).
 */
export function cookie(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      throw new HttpError(400, 'invalid_cookie', `cookie "${name}" is not valid percent-encoding`);
    }
  }
  return null;
}

/**
 * Admin API guard: `Authorization: Bearer <admin key>`, checked against the stored hashes; the
 * key's id goes to `res.locals.adminKeyId`. No key → 401; a wrong or revoked key → 403
 * `forbidden`; a key of role `agent` → 403 `role_forbidden`.
 */
export function requireAdminKey(db: Db): RequestHandler {
  return async (req, res, next) => {
    const key = bearer(req);
    if (!key) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="admin"');
      throw new HttpError(401, 'unauthorized', 'admin API needs "Authorization: Bearer <admin key>"');
    }
    const id = await verifyAdminKey(db, key);
    if (id === null) {
      if ((await verifyStaffKey(db, key))?.role === 'agent') throw new HttpError(403, 'role_forbidden', 'an agent key takes calls in the console; it cannot change configuration');
      throw new HttpError(403, 'forbidden', 'admin key not valid');
    }
    res.locals.adminKeyId = id;
    next();
  };
}

/** Dashboard guard (admin pages): a live admin session cookie; an agent's session goes to the console; else the sign-in page. */
export function requireAdminSession(db: Db): RequestHandler {
  return async (req, res, next) => {
    const id = cookie(req, SESSION_COOKIE);
    if (id && (await verifyAdminSession(db, id))) return next();
    // A person signed in with an agent key: the console is their page.
    if (id && (await verifyStaffSession(db, id))?.role === 'agent') return res.redirect(303, '/dashboard/console');
    res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
  };
}

/**
 * How long after a caller token expires it is still accepted for turn uploads, seconds: the
 * longest call (AgentLimits.maxCallSeconds ≤ 3,600 s) starts before the token expires. The route
 * bounds uploads by the call's own window (open, plus a short grace).
 */
export const CALLER_TOKEN_LEEWAY_S = 3_700;

/**
 * Checks a LiveKit JWT signed with our API key/secret and returns its subject (identity).
 * `need: 'caller'` → a token for `room` (what `/api/sessions` issued);
 * `need: 'agent'` → a token with the video grant `{ room, agent: true }` (the agent worker's).
 * @throws HttpError 401 when missing or invalid, 403 when it is for another room or role.
 */
export async function verifyRoomToken(
  verifier: TokenVerifier,
  req: Request,
  room: string,
  need: 'caller' | 'agent',
): Promise<string> {
  const token = bearer(req);
  if (!token) throw new HttpError(401, 'unauthorized', 'needs "Authorization: Bearer <LiveKit token>"');
  let claims;
  try {
    claims = await verifier.verify(token, need === 'caller' ? CALLER_TOKEN_LEEWAY_S : 0);
  } catch {
    throw new HttpError(401, 'unauthorized', 'token not valid');
  }
  const grant = claims.video;
  if (grant?.room !== room) throw new HttpError(403, 'forbidden', 'token is for another room');
  const isAgent = grant.agent === true;
  if ((need === 'agent') !== isAgent) throw new HttpError(403, 'forbidden', `token is not a ${need} token`);
  if (!claims.sub) throw new HttpError(401, 'unauthorized', 'token has no identity');
  return claims.sub;
}
