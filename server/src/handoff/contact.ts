import { eq } from 'drizzle-orm';
import type { CallbackContact } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { leads } from '../db/schema.ts';
import type { CallRow } from '../repo/calls.ts';
import { findCustomer } from '../repo/customers.ts';

/**
 * How a person can reach the caller back: on the phone, the number they call from (else the
 * verified customer's phone); on the web, the verified customer's e-mail, else the e-mail given on
 * a demo page with lead capture, else the customer's phone. `kind: 'none'` when there is no way —
 * then nobody may promise a callback.
 */
export async function callbackContact(db: Db, call: CallRow): Promise<{ contact: string | null; kind: CallbackContact }> {
  const customer = call.verifiedCustomerId ? await findCustomer(db, call.verifiedCustomerId) : undefined;
  if (call.channel === 'phone') {
    const phone = call.callerNumber ?? customer?.phone ?? null;
    return { contact: phone, kind: phone ? 'phone' : 'none' };
  }
  const [lead] = await db.select({ email: leads.email }).from(leads).where(eq(leads.callId, call.id));
  const email = customer?.email ?? lead?.email ?? null;
  if (email) return { contact: email, kind: 'email' };
  return customer?.phone ? { contact: customer.phone, kind: 'phone' } : { contact: null, kind: 'none' };
}
