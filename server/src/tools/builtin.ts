import type { AgentConfig, ToolArgs, ToolResult } from '@voice-widget/protocol';
import type { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Tx } from '../repo/tx.ts';
import { HttpError } from '../errors.ts';
import { createCase, findOrder, setShippingAddress } from '../repo/customers.ts';

type Args<K extends keyof typeof ToolArgs> = z.infer<(typeof ToolArgs)[K]>;

/** What a built-in tool knows about the call it runs for. */
export interface BuiltinContext {
  callId: number;
  /** The verified caller's customer id; null when unverified. */
  customerId: string | null;
  config: AgentConfig;
}

/**
 * The built-in tools' backend: the contact store (repo/customers.ts). Each returns data for the
 * model and a `say` sentence worded from the data (so the offline model and a cloud model say the
 * same facts). Scope is checked here too: an order must belong to the verified caller.
 * @throws HttpError 403 `out_of_scope` for another customer's (or an unknown) order.
 */
export const builtinTools = {
  async get_order_status(db: Db | Tx, ctx: BuiltinContext, args: Args<'get_order_status'>): Promise<ToolResult> {
    const order = await ownOrder(db, ctx, args.order_id);
    const summary = order.summary ? `, ${order.summary}` : '';
    return {
      order: { number: order.number, status: order.status, summary: order.summary },
      say: `Order ${spell(order.number)} is ${order.status}${summary}.`,
    };
  },

  async update_shipping_address(tx: Tx, ctx: BuiltinContext, args: Args<'update_shipping_address'>): Promise<ToolResult> {
    await ownOrder(tx, ctx, args.order_id);
    const updated = await setShippingAddress(tx, args.order_id, ctx.customerId!, args.address);
    if (!updated) throw outOfScope();
    return { order: updated.number, address: updated.shippingAddress, say: `Done. Order ${spell(updated.number)} will now go to ${updated.shippingAddress}.` };
  },

  async create_case(tx: Tx, ctx: BuiltinContext & { contact: string | null }, args: Args<'create_case'>): Promise<ToolResult> {
    const id = await createCase(tx, { customerId: ctx.customerId, callId: ctx.callId, category: args.category, summary: args.summary, contact: ctx.contact });
    return { case: id, say: `I've opened case number ${spell(String(id))} for you.` };
  },

  async opening_hours(_db: Db | Tx, ctx: BuiltinContext): Promise<ToolResult> {
    return { hours: ctx.config.openingHours, say: `We're open ${ctx.config.openingHours.replace(/^we'?re open\s*/i, '')}` };
  },
};

/** Names of the built-in tools the store serves. */
export type StoreTool = keyof typeof builtinTools;
export const isStoreTool = (name: string): name is StoreTool => name in builtinTools;

const outOfScope = () => new HttpError(403, 'out_of_scope', 'that order is not one of this caller’s orders');

async function ownOrder(db: Db | Tx, ctx: BuiltinContext, number: string) {
  const order = await findOrder(db, number);
  // Same answer for "not yours" and "does not exist": no probing for other customers' orders.
  if (!order || !ctx.customerId || order.customerId !== ctx.customerId) throw outOfScope();
  return order;
}

/** Digits read one by one ("1042" → "1 0 4 2"), as callers expect order numbers read back. */
const spell = (number: string) => (/^\d{3,}$/.test(number) ? number.split('').join(' ') : number);
