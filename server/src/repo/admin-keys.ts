import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adminKeys, adminSessions, signinTokens } from '../db/schema.ts';

/** SHA-256 hex of a secret. Keys carry 256 random bits, so an unsalted fast hash is enough. */
export const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Key format: `vwk_` + 43 base64url chars (256 bits). */
export const KEY_FORMAT = /^vwk_[A-Za-z0-9_-]{43}$/;
/** One-time sign-in token format: `vws_` + 43 base64url chars (256 bits). */
const SIGNIN_FORMAT = /^vws_[A-Za-z0-9_-]{43}$/;

/**
 * Creates a key and returns it in clear — the only time it is shown; only its hash is kept.
 * `role`: `admin` (default) configures everything; `agent` takes calls in the console (repo/staff.ts).
 */
export async function createAdminKey(db: Db, name: string, role: 'admin' | 'agent' = 'admin'): Promise<{ id: number; key: string }> {
  const key = `vwk_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(adminKeys)
    .values({ name, keyHash: sha256(key), prefix: key.slice(0, 10), role })
    .returning({ id: adminKeys.id });
  return { id: row!.id, key };
}

/**
 * Registers an existing key (a bootstrap key file's): its live row, or a new row when this
 * database has never seen it. Null when that key was revoked (a revocation stays).
 * @throws Error when `key` is not in the key format.
 */
export async function importAdminKey(db: Db, name: string, key: string): Promise<{ id: number; inserted: boolean } | null> {
  if (!KEY_FORMAT.test(key)) throw new Error('not an admin key (vwk_…)');
  const [existing] = await db.select().from(adminKeys).where(eq(adminKeys.keyHash, sha256(key)));
  if (existing) return existing.revokedAt ? null : { id: existing.id, inserted: false };
  const [row] = await db.insert(adminKeys).values({ name, keyHash: sha256(key), prefix: key.slice(0, 10) }).returning({ id: adminKeys.id });
  return { id: row!.id, inserted: true };
}

/** Id of the live **admin-role** key matching `key`, or null. The stored hash is compared in constant time. */
export async function verifyAdminKey(db: Db, key: string): Promise<number | null> {
  if (!KEY_FORMAT.test(key)) return null;
  const hash = sha256(key);
  const [row] = await db
    .select({ id: adminKeys.id, keyHash: adminKeys.keyHash })
    .from(adminKeys)
    .where(and(eq(adminKeys.keyHash, hash), isNull(adminKeys.revokedAt), eq(adminKeys.role, 'admin')));
  if (!row) return null;
  const ok = timingSafeEqual(Buffer.from(row.keyHash, 'hex'), Buffer.from(hash, 'hex'));
  return ok ? row.id : null;
}

export async function revokeAdminKey(db: Db, id: number): Promise<boolean> {
  const rows = await db.update(adminKeys).set({ revokedAt: new Date() }).where(eq(adminKeys.id, id)).returning();
  return rows.length > 0;
}

export async function listAdminKeys(db: Db) {
  return db
    .select({ id: adminKeys.id, name: adminKeys.name, role: adminKeys.role, prefix: adminKeys.prefix, createdAt: adminKeys.createdAt, revokedAt: adminKeys.revokedAt })
    .from(adminKeys);
}

/** Starts a dashboard session for a key; returns the session id (cookie value). */
export async function createAdminSession(db: Db, keyId: number, ttlS: number): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.delete(adminSessions).where(lt(adminSessions.expiresAt, new Date()));
  await db.insert(adminSessions).values({ idHash: sha256(id), keyId, expiresAt: new Date(Date.now() + ttlS * 1000) });
  return id;
}

/** True when the session id is live and its key not revoked and of role admin. */
export async function verifyAdminSession(db: Db, id: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return false;
  const [row] = await db
    .select({ idHash: adminSessions.idHash })
    .from(adminSessions)
    .innerJoin(adminKeys, eq(adminKeys.id, adminSessions.keyId))
    .where(and(eq(adminSessions.idHash, sha256(id)), gt(adminSessions.expiresAt, new Date()), isNull(adminKeys.revokedAt), eq(adminKeys.role, 'admin')));
  return row !== undefined && timingSafeEqual(Buffer.from(row.idHash, 'hex'), Buffer.from(sha256(id), 'hex'));
}

export async function deleteAdminSession(db: Db, id: string): Promise<void> {
  await db.delete(adminSessions).where(eq(adminSessions.idHash, sha256(id)));
}

/**
 * A one-time dashboard sign-in token for the holder of key `keyId`, valid `ttlS` seconds; only its
 * hash is stored. Exchanged once for a session by {@link redeemSigninToken}.
 */
export async function createSigninToken(db: Db, keyId: number, ttlS: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = `vws_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + ttlS * 1000);
  await db.delete(signinTokens).where(lt(signinTokens.expiresAt, now));
  await db.insert(signinTokens).values({ tokenHash: sha256(token), keyId, expiresAt });
  return { token, expiresAt };
}

/** Spends a sign-in token (atomically, once) and returns its key id; null when unknown, used, expired or its key revoked. */
export async function redeemSigninToken(db: Db, token: string, now = new Date()): Promise<number | null> {
  if (!SIGNIN_FORMAT.test(token)) return null;
  const [row] = await db
    .update(signinTokens)
    .set({ usedAt: now })
    .where(and(eq(signinTokens.tokenHash, sha256(token)), isNull(signinTokens.usedAt), gt(signinTokens.expiresAt, now)))
    .returning({ keyId: signinTokens.keyId });
  if (!row) return null;
  const [key] = await db.select({ id: adminKeys.id }).from(adminKeys).where(and(eq(adminKeys.id, row.keyId), isNull(adminKeys.revokedAt)));
  return key ? key.id : null;
}
