import type { Request, RequestHandler, Response } from 'express';
import { SESSION_COOKIE, bearer, cookie } from './auth.ts';
import type { Db } from './db/client.ts';
import { HttpError } from './errors.ts';
import { type Staff, verifyStaffKey, verifyStaffSession } from './repo/staff.ts';

/**
 * Console guard: anyone who takes calls — a key of role `agent` or `admin`, as
 * `Authorization: Bearer <key>` or the dashboard's session cookie. The person goes to
 * `res.locals.staff` ({@link Staff}). Without either: 401 for the API, a redirect to the sign-in
 * page for pages (`page: true`); a wrong key or a token that is not a key (a caller's LiveKit
 * token) → 403.
 * State-changing requests with the cookie must come from this origin (an `Origin` header of
 * another site → 403; SameSite=Strict already keeps other sites' requests cookie-less).
 */
export function requireStaff(db: Db, opts: { page?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const key = bearer(req);
    let staff: Staff | null = null;
    if (key) {
      staff = await verifyStaffKey(db, key);
      if (!staff) throw new HttpError(403, 'forbidden', 'not a valid key of a person who takes calls');
    } else {
      const id = cookie(req, SESSION_COOKIE);
      staff = id ? await verifyStaffSession(db, id) : null;
      if (staff && req.method !== 'GET' && req.headers.origin && req.headers.origin !== `${req.protocol}://${req.headers.host}`) {
        throw new HttpError(403, 'forbidden', 'cross-site request refused');
      }
    }
    if (!staff) {
      if (opts.page) return res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
      res.setHeader('WWW-Authenticate', 'Bearer realm="console"');
      throw new HttpError(401, 'unauthorized', 'the console needs a sign-in or "Authorization: Bearer <key>"');
    }
    res.locals.staff = staff;
    next();
  };
}

/** The person {@link requireStaff} let in. */
export const staffOf = (res: Response): Staff => res.locals.staff as Staff;

/** Same-origin check for the cookie-authenticated console (exported for the page routes). */
export const sameOrigin = (req: Request): boolean => !req.headers.origin || req.headers.origin === `${req.protocol}://${req.headers.host}`;
