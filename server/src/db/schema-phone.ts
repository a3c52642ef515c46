import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ContactItem } from '@voice-widget/protocol';

/**
 * Phone callers (issue 6): what the business knows about a caller, looked up by the number LiveKit
 * reports (`sip.phoneNumber`, normalised to E.164) before the agent's first reply.
 */
export const contacts = pgTable('contacts', {
  /** E.164, e.g. `+15550123`. */
  phone: text('phone').primaryKey(),
  name: text('name').notNull(),
  account: text('account'),
  notes: text('notes').notNull().default(''),
  openOrders: jsonb('open_orders').$type<ContactItem[]>().notNull().default([]),
  openCases: jsonb('open_cases').$type<ContactItem[]>().notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
