import { asc, eq } from 'drizzle-orm';
import type { Contact, ContactInput } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import { contacts } from '../db/schema.ts';

type ContactRow = typeof contacts.$inferSelect;

const toContact = (r: ContactRow): Contact => ({
  phone: r.phone,
  name: r.name,
  ...(r.account ? { account: r.account } : {}),
  notes: r.notes,
  openOrders: r.openOrders,
  openCases: r.openCases,
});

/** Creates or replaces the contact for `phone` (E.164). Returns it. */
export async function upsertContact(db: Db, phone: string, input: ContactInput): Promise<Contact> {
  const values = { phone, ...input, account: input.account ?? null, updatedAt: new Date() };
  const [row] = await db
    .insert(contacts)
    .values(values)
    .onConflictDoUpdate({ target: contacts.phone, set: { ...values, phone: undefined } })
    .returning();
  return toContact(row!);
}

/** The contact with this E.164 number, or undefined. */
export async function findContact(db: Db, phone: string): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.phone, phone));
  return row ? toContact(row) : undefined;
}

export async function listContacts(db: Db): Promise<Contact[]> {
  return (await db.select().from(contacts).orderBy(asc(contacts.phone))).map(toContact);
}

/** Deletes the contact; returns whether there was one. */
export async function deleteContact(db: Db, phone: string): Promise<boolean> {
  return (await db.delete(contacts).where(eq(contacts.phone, phone)).returning({ phone: contacts.phone })).length > 0;
}

/**
 * Every contact's name, for the redaction of stored transcripts (a call record is stored once per
 * call; one narrow query). Redaction matches their words in one pass whatever their number.
 */
export async function contactNames(db: Db): Promise<string[]> {
  return (await db.select({ name: contacts.name }).from(contacts)).map((r) => r.name);
}
