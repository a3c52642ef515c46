import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { MAX_VERIFY_ATTEMPTS, type VerifiedCaller, type VerifyRequest, type VerifyResponse } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { calls } from '../db/schema.ts';
import { appendAudit } from '../repo/audit.ts';
import type { CallRow } from '../repo/calls.ts';
import { codeMatches, findCustomer, listOrders } from '../repo/customers.ts';

/** The verified caller of a call with their orders (the agent's scope), or null. */
export async function verifiedCaller(db: Db, call: CallRow): Promise<VerifiedCaller | null> {
  if (!call.verifiedCustomerId || !call.verificationMethod) return null;
  const orders = await listOrders(db, call.verifiedCustomerId);
  return {
    customerId: call.verifiedCustomerId,
    name: call.verifiedName ?? 'there',
    method: call.verificationMethod,
    orders: orders.map((o) => o.number),
  };
}

/**
 * Checks a code a phone caller said or typed against the customer their number hints at: their
 * phone code or the last four digits of their account (repo/customers.ts `codeMatches`). Caller ID
 * alone never verifies anyone. Every wrong code counts (also with no customer for the number, so
 * nobody can probe which numbers are known); at {@link MAX_VERIFY_ATTEMPTS} the call is locked.
 * Each attempt is an audit entry (the code itself is never stored).
 */
export async function verifyPhoneCaller(db: Db, call: CallRow, req: VerifyRequest, atMs: number): Promise<VerifyResponse> {
  if (call.verifiedCustomerId) return { verified: true, attemptsLeft: MAX_VERIFY_ATTEMPTS - call.verifyFailures, locked: false, caller: await verifiedCaller(db, call) };
  const audit = (decision: 'allowed' | 'refused', reason?: string) =>
    appendAudit(db, call.id, [{ tool: 'verify_caller', args: JSON.stringify({ via: req.via, code: '[redacted]' }), decision, ...(reason ? { reason } : {}), atMs }]);
  if (call.verifyFailures >= MAX_VERIFY_ATTEMPTS) {
    await audit('refused', 'verification_locked');
    return { verified: false, attemptsLeft: 0, locked: true, caller: null };
  }
  const customer = call.hintedCustomerId ? await findCustomer(db, call.hintedCustomerId) : undefined;
  if (customer && codeMatches(customer, req.code)) {
    const [updated] = await db
      .update(calls)
      .set({ verifiedCustomerId: customer.id, verifiedName: customer.name, verificationMethod: 'phone_code' })
      .where(and(eq(calls.id, call.id), isNull(calls.verifiedCustomerId)))
      .returning();
    await audit('allowed');
    return { verified: true, attemptsLeft: MAX_VERIFY_ATTEMPTS - call.verifyFailures, locked: false, caller: await verifiedCaller(db, updated ?? call) };
  }
  const [row] = await db
    .update(calls)
    .set({ verifyFailures: sql`${calls.verifyFailures} + 1` })
    .where(and(eq(calls.id, call.id), lt(calls.verifyFailures, MAX_VERIFY_ATTEMPTS)))
    .returning({ failures: calls.verifyFailures });
  const failures = row?.failures ?? MAX_VERIFY_ATTEMPTS;
  await audit('refused', failures >= MAX_VERIFY_ATTEMPTS ? 'verification_locked' : 'wrong_code');
  return { verified: false, attemptsLeft: Math.max(0, MAX_VERIFY_ATTEMPTS - failures), locked: failures >= MAX_VERIFY_ATTEMPTS, caller: null };
}
