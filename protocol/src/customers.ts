import { z } from 'zod';
import { E164 } from './phone.ts';
import { CaseCategory, OrderId } from './tools.ts';

/**
 * The contact store behind the agent's tools (admin API `…/customers`, `…/orders`, `…/cases`):
 * customers, their orders and support cases.
 */

/** A customer id as the business uses it, e.g. `C-1815` (also the `sub` of a signed identity). */
export const CustomerId = z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, 'customer id: 1–64 of A-Z a-z 0-9 . _ -');

/** `PUT /api/admin/customers/:id`: create or replace a customer. */
export const CustomerInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** A hint at who is calling on the phone (never proof). */
    phone: E164.optional(),
    email: z.string().trim().email().max(254).optional(),
    account: z.string().trim().max(64).optional(),
    /**
     * The caller's phone code, 4–8 digits: write-only (stored as a hash). Callers may also prove
     * who they are with the last four digits of `account`.
     */
    code: z
      .string()
      .regex(/^\d{4,8}$/, 'code: 4–8 digits')
      .optional(),
    notes: z.string().trim().max(1_000).default(''),
  })
  .strict();
export type CustomerInput = z.infer<typeof CustomerInput>;

/** A customer as the admin API returns it (the code is never returned). */
export const CustomerView = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  account: z.string().nullable(),
  hasCode: z.boolean(),
  notes: z.string(),
});
export type CustomerView = z.infer<typeof CustomerView>;

/** `PUT /api/admin/orders/:number`: create or replace an order. */
export const OrderInput = z
  .object({
    customerId: CustomerId,
    status: z.string().trim().min(1).max(60),
    summary: z.string().trim().max(300).default(''),
    shippingAddress: z.string().trim().min(1).max(300),
  })
  .strict();
export type OrderInput = z.infer<typeof OrderInput>;

export const OrderView = OrderInput.extend({ number: OrderId, updatedAt: z.string() });
export type OrderView = z.infer<typeof OrderView>;

export const CaseView = z.object({
  id: z.number().int(),
  customerId: z.string().nullable(),
  room: z.string().nullable(),
  category: CaseCategory,
  summary: z.string(),
  contact: z.string().nullable(),
  status: z.enum(['open', 'closed']),
  createdAt: z.string(),
});
export type CaseView = z.infer<typeof CaseView>;
