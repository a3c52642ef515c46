import { Router } from 'express';
import { CustomerId, CustomerInput, OrderId, OrderInput } from '@voice-widget/protocol';
import { requireAdminKey } from '../auth.ts';
import type { Db } from '../db/client.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import {
  deleteCustomer,
  findCustomer,
  findOrder,
  listCases,
  listCustomers,
  listOrders,
  toCustomerView,
  toOrderView,
  upsertCustomer,
  upsertOrder,
} from '../repo/customers.ts';

/**
 * The contact store's admin API (`Authorization: Bearer <admin key>`):
 * `GET /api/admin/customers`, `GET|PUT|DELETE /api/admin/customers/:id` ({@link CustomerInput}),
 * `GET /api/admin/orders[?customer=]`, `GET|PUT /api/admin/orders/:number` ({@link OrderInput}),
 * `GET /api/admin/cases[?customer=]`. PUTs create or replace.
 */
export function adminCustomersRouter(db: Db): Router {
  const router = Router();
  router.use(['/api/admin/customers', '/api/admin/orders', '/api/admin/cases'], requireAdminKey(db));
  const customerParam = (v: unknown) => parseOr400(CustomerId, String(v), 'customer id');
  const customerQuery = (v: unknown) => (typeof v === 'string' && v ? customerParam(v) : undefined);

  router.get('/api/admin/customers', async (_req, res) => {
    res.json({ customers: (await listCustomers(db)).map(toCustomerView) });
  });
  router.get('/api/admin/customers/:id', async (req, res) => {
    const c = await findCustomer(db, customerParam(req.params.id));
    if (!c) throw HttpError.notFound('customer');
    res.json(toCustomerView(c));
  });
  router.put('/api/admin/customers/:id', async (req, res) => {
    const input = parseOr400(CustomerInput, req.body ?? {}, 'customer');
    res.json(toCustomerView(await upsertCustomer(db, customerParam(req.params.id), input)));
  });
  router.delete('/api/admin/customers/:id', async (req, res) => {
    if (!(await deleteCustomer(db, customerParam(req.params.id)))) throw HttpError.notFound('customer');
    res.status(204).end();
  });

  router.get('/api/admin/orders', async (req, res) => {
    res.json({ orders: (await listOrders(db, customerQuery(req.query.customer))).map(toOrderView) });
  });
  router.get('/api/admin/orders/:number', async (req, res) => {
    const o = await findOrder(db, parseOr400(OrderId, String(req.params.number), 'order number'));
    if (!o) throw HttpError.notFound('order');
    res.json(toOrderView(o));
  });
  router.put('/api/admin/orders/:number', async (req, res) => {
    const input = parseOr400(OrderInput, req.body ?? {}, 'order');
    if (!(await findCustomer(db, input.customerId))) throw new HttpError(404, 'unknown_customer', `no customer "${input.customerId}"`);
    res.json(toOrderView(await upsertOrder(db, parseOr400(OrderId, String(req.params.number), 'order number'), input)));
  });

  router.get('/api/admin/cases', async (req, res) => {
    res.json({ cases: await listCases(db, customerQuery(req.query.customer)) });
  });
  return router;
}
