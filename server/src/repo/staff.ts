import { timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adminKeys, adminSessions } from '../db/schema.ts';
import { sha256 } from './admin-keys.ts';

/**
 * People who use the dashboard, by the role of their key: `admin` configures everything, `agent`
 * takes calls in the console and reads its queue — nothing else (auth.ts decides per route).
 */
export type StaffRole = 'admin' | 'agent';

/** Who is signed in (or calling with a key): the key's id, name and role. */
export interface Staff {
  keyId: number;
  name: string;
  role: StaffRole;
}

const KEY_FORMAT = /^vwk_[A-Za-z0-9_-]{43}$/;
const SESSION_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const same = (a: string, b: string) => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/** The live key matching `key`, any role, or null (stored hash compared in constant time). */
export async function verifyStaffKey(db: Db, key: string): Promise<Staff | null> {
  if (!KEY_FORMAT.test(key)) return null;
  const hash = sha256(key);
  const [row] = await db
    .select({ id: adminKeys.id, name: adminKeys.name, role: adminKeys.role, keyHash: adminKeys.keyHash })
    .from(adminKeys)
    .where(and(eq(adminKeys.keyHash, hash), isNull(adminKeys.revokedAt)));
  return row && same(row.keyHash, hash) ? { keyId: row.id, name: row.name, role: row.role } : null;
}

/** The holder of a live dashboard session whose key is not revoked, any role, or null. */
export async function verifyStaffSession(db: Db, id: string): Promise<Staff | null> {
  if (!SESSION_FORMAT.test(id)) return null;
  const hash = sha256(id);
  const [row] = await db
    .select({ idHash: adminSessions.idHash, keyId: adminKeys.id, name: adminKeys.name, role: adminKeys.role })
    .from(adminSessions)
    .innerJoin(adminKeys, eq(adminKeys.id, adminSessions.keyId))
    .where(and(eq(adminSessions.idHash, hash), gt(adminSessions.expiresAt, new Date()), isNull(adminKeys.revokedAt)));
  return row && same(row.idHash, hash) ? { keyId: row.keyId, name: row.name, role: row.role } : null;
}
