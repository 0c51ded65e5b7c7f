import { Router } from 'express';
import type { OrderService } from '../../orders/order-service.js';
import { BatchSchema, CreateOrderSchema, ListQuerySchema } from '../../orders/schemas.js';
import { merchantOf } from '../middleware/authenticate.js';
import { jsonBody } from '../middleware/body.js';
import { parseOrThrow } from '../validate.js';
import { replyJson } from '../json-reply.js';
import { z } from 'zod';

const IdParams = z.object({ id: z.string().regex(/^ord_[0-9a-z]{25}$/, 'must be an order id (ord_…)') });

/** Thin handlers: validate, call the orders facade, answer. */
export function orderRoutes(deps: { orders: OrderService }): Router {
  const r = Router();

  r.post('/v1/orders', jsonBody(), async (req, res) => {
    const input = parseOrThrow(CreateOrderSchema, req.body);
    const order = await deps.orders.create(merchantOf(req).id, input);
    res.status(202).json(order);
  });

  r.post('/v1/orders/batch', jsonBody(), async (req, res) => {
    const { orders } = parseOrThrow(BatchSchema, req.body);
    const results = await deps.orders.createBatch(merchantOf(req).id, orders);
    const accepted = results.filter((x) => x.status === 202).length;
    res.status(200).json({ results, accepted, rejected: results.length - accepted });
  });

  r.get('/v1/orders', async (req, res) => {
    const q = parseOrThrow(ListQuerySchema, req.query, 'query');
    replyJson(res, await deps.orders.list(merchantOf(req).id, q.limit, q.cursor));
  });

  r.get('/v1/orders/:id', async (req, res) => {
    const { id } = parseOrThrow(IdParams, req.params, 'params');
    replyJson(res, await deps.orders.view(merchantOf(req).id, id));
  });

  return r;
}
