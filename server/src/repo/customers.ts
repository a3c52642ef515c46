import { createHash, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { CaseCategory, CaseView, CustomerInput, CustomerView, OrderInput, OrderView } from '@voice-widget/protocol';
import type { Db } from '../db/client.ts';
import type { Tx } from './tx.ts';
import { calls, cases, customers, orders } from '../db/schema.ts';

/** The contact store: customers, their orders and cases (schema-customers.ts). */

export type CustomerRow = typeof customers.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;

const codeHash = (customerId: string, code: string) => createHash('sha256').update(`${customerId}:${code}`).digest('hex');

export const toCustomerView = (r: CustomerRow): CustomerView => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  email: r.email,
  account: r.account,
  hasCode: r.codeHash !== null,
  notes: r.notes,
});

export const toOrderView = (r: OrderRow): OrderView => ({
  number: r.number,
  customerId: r.customerId,
  status: r.status,
  summary: r.summary,
  shippingAddress: r.shippingAddress,
  updatedAt: r.updatedAt.toISOString(),
});

/** Creates or replaces customer `id`; a missing `code` keeps the stored one. */
export async function upsertCustomer(db: Db, id: string, input: CustomerInput): Promise<CustomerRow> {
  const values = {
    id,
    name: input.name,
    phone: input.phone ?? null,
    email: input.email ?? null,
    account: input.account ?? null,
    notes: input.notes,
    updatedAt: new Date(),
    ...(input.code ? { codeHash: codeHash(id, input.code) } : {}),
  };
  const [row] = await db
    .insert(customers)
    .values(values)
    .onConflictDoUpdate({ target: customers.id, set: { ...values, id: undefined } })
    .returning();
  return row!;
}

export async function findCustomer(db: Db | Tx, id: string): Promise<CustomerRow | undefined> {
  const [row] = await db.select().from(customers).where(eq(customers.id, id));
  return row;
}

/** The customer whose number this is (E.164): a hint at who is calling, never proof. */
export async function findCustomerByPhone(db: Db, phone: string): Promise<CustomerRow | undefined> {
  const [row] = await db.select().from(customers).where(eq(customers.phone, phone));
  return row;
}

/**
 * Every customer's name, for the redaction of stored transcripts (a call record is stored once per
 * call; one narrow query). Redaction matches their words in one pass whatever their number.
 */
export async function customerNames(db: Db): Promise<string[]> {
  return (await db.select({ name: customers.name }).from(customers)).map((r) => r.name);
}

export async function listCustomers(db: Db): Promise<CustomerRow[]> {
  return db.select().from(customers).orderBy(asc(customers.id));
}

/** Deletes a customer and their orders; returns whether there was one. */
export async function deleteCustomer(db: Db, id: string): Promise<boolean> {
  return (await db.delete(customers).where(eq(customers.id, id)).returning({ id: customers.id })).length > 0;
}

/**
 * Whether `code` proves the caller is `customer`: their phone code, or the last four digits of
 * their account number. Constant-time comparison of the hashes.
 */
export function codeMatches(customer: CustomerRow, code: string): boolean {
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  if (customer.codeHash && same(codeHash(customer.id, code), customer.codeHash)) return true;
  const accountDigits = (customer.account ?? '').replace(/\D/g, '');
  return code.length === 4 && accountDigits.length >= 4 && same(accountDigits.slice(-4), code);
}

/** Creates or replaces order `number`. */
export async function upsertOrder(db: Db, number: string, input: OrderInput): Promise<OrderRow> {
  const values = { number, ...input, updatedAt: new Date() };
  const [row] = await db
    .insert(orders)
    .values(values)
    .onConflictDoUpdate({ target: orders.number, set: { ...values, number: undefined } })
    .returning();
  return row!;
}

export async function findOrder(db: Db | Tx, number: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.number, number));
  return row;
}

/** Orders of one customer, or all orders. */
export async function listOrders(db: Db | Tx, customerId?: string): Promise<OrderRow[]> {
  const q = db.select().from(orders);
  return (customerId ? q.where(eq(orders.customerId, customerId)) : q).orderBy(asc(orders.number));
}

/** Sets an order's delivery address (inside the caller's transaction, with its audit row). */
export async function setShippingAddress(tx: Tx, number: string, customerId: string, address: string): Promise<OrderRow | undefined> {
  const [row] = await tx
    .update(orders)
    .set({ shippingAddress: address, updatedAt: new Date() })
    .where(and(eq(orders.number, number), eq(orders.customerId, customerId)))
    .returning();
  return row;
}

/** Opens a support case; returns its id. */
export async function createCase(
  tx: Db | Tx,
  input: { customerId: string | null; callId: number | null; category: CaseCategory; summary: string; contact: string | null },
): Promise<number> {
  const [row] = await tx.insert(cases).values(input).returning({ id: cases.id });
  return row!.id;
}

/** Cases, newest first, with the room of the call they were opened on. */
export async function listCases(db: Db, customerId?: string): Promise<CaseView[]> {
  const q = db.select({ c: cases, room: calls.room }).from(cases).leftJoin(calls, eq(calls.id, cases.callId));
  const rows = await (customerId ? q.where(eq(cases.customerId, customerId)) : q).orderBy(desc(cases.createdAt));
  return rows.map(({ c, room }) => ({
    id: c.id,
    customerId: c.customerId,
    room,
    category: c.category as CaseCategory,
    summary: c.summary,
    contact: c.contact,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
  }));
}
