import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The contact store: the business's customers, their orders and support cases. The agent's tools
 * read and change it through the server (server/src/tools/), never directly; a caller's number is
 * only a hint to who they might be, proof is a code (phone) or a signed identity (web).
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const customers = pgTable('customers', {
  /** The business's customer id (the `sub` of a signed identity), e.g. `C-1815`. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** E.164, e.g. `+15550123`: a hint at who is calling, never proof. */
  phone: text('phone').unique(),
  email: text('email'),
  account: text('account'),
  /** SHA-256 of `<id>:<code>`: the short code a phone caller proves who they are with. */
  codeHash: text('code_hash'),
  notes: text('notes').notNull().default(''),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const orders = pgTable(
  'orders',
  {
    /** Order number as callers say it, e.g. `1042`. */
    number: text('number').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /** e.g. `shipped`, `processing`, `delivered`. */
    status: text('status').notNull(),
    /** What the agent may say about it, e.g. `arrives Friday`. */
    summary: text('summary').notNull().default(''),
    shippingAddress: text('shipping_address').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('orders_customer_idx').on(t.customerId)],
);

export const cases = pgTable(
  'cases',
  {
    id: serial('id').primaryKey(),
    customerId: text('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    /** The call it was opened on (`calls.id`), if any. */
    callId: integer('call_id'),
    category: text('category').notNull(),
    summary: text('summary').notNull(),
    /** How to reach the caller back: a phone number or an e-mail (redacted in logs, kept here). */
    contact: text('contact'),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('cases_customer_idx').on(t.customerId)],
);
