import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { isAppError } from '../../src/core/errors.js';
import { readRawBody } from '../../src/api/middleware/body.js';
import { registerReviewOpenApi, reviewRoutes } from '../../src/api/routes/review.js';
import { ManualItemStore, ReviewService, VerificationResultStore } from '../../src/verification/index.js';
import type { TestDatabase } from '../helpers/db.js';
import { FakeOrders, FakeQueue } from './fakes.js';
import { openTestDatabase as openIsolatedTestDatabase } from '../helpers/db.js';

describe('review routes', () => {
  let db: TestDatabase;
  let server: ReturnType<express.Express['listen']>;
  let base: string;
  let orders: FakeOrders;
  let items: ManualItemStore;

  beforeEach(async () => {
    db = await openIsolatedTestDatabase('sqlite');
    const clock = new ManualClock();
    orders = new FakeOrders();
    items = new ManualItemStore(db.db, clock);
    const reviews = new ReviewService({ orders, items, results: new VerificationResultStore(db.db, clock), queue: new FakeQueue() });
    const app = express();
    app.use(readRawBody()); // as the lead's app does under /v1
    // Stand-in for the lead's signature middleware.
    app.use((req, _res, next) => {
      const m = req.header('x-test-merchant');
      if (m) (req as unknown as { merchant: { id: string } }).merchant = { id: m };
      next();
    });
    app.use(reviewRoutes({ reviews }));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      if (isAppError(err)) res.status(err.status).type('application/problem+json').json({ status: err.status, code: err.code, detail: err.detail });
      else res.status(500).json({ code: 'internal' });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    await db.cleanup();
  });

  const call = async (method: string, path: string, body?: unknown, merchant = 'mch_1') => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', 'x-test-merchant': merchant },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('lists, claims and decides items of the merchant only', async () => {
    const o = orders.add({ cardPin: '123', status: 'review' });
    const item = await items.open({ kind: 'review', stage: 'invalid_card', orderId: o.id, merchantId: 'mch_1', reason: 'card_invalid' });
    await items.open({ kind: 'review', stage: 'risk', orderId: 'ord_other', merchantId: 'mch_2', reason: 'risk_low_confidence' });

    const list = await call('GET', '/v1/reviews?status=open');
    expect(list.status).toBe(200);
    expect((list.body.items as unknown[]).map((i) => (i as { id: string }).id)).toEqual([item.id]);
    expect((await call('GET', `/v1/reviews/${item.id}`, undefined, 'mch_2')).status).toBe(404);
    expect((await call('GET', '/v1/reviews?limit=0')).body.code).toBe('validation_failed');

    expect((await call('POST', `/v1/reviews/${item.id}/decision`, { reviewer: 'amy', decision: 'approve', reason: 'ok' })).body.code).toBe('review_not_claimed');
    expect((await call('POST', `/v1/reviews/${item.id}/claim`, { reviewer: 'amy' })).body).toMatchObject({ status: 'claimed', claimedBy: 'mch_1:amy' });
    expect((await call('POST', `/v1/reviews/${item.id}/claim`, { reviewer: 'bo' })).status).toBe(409);
    expect((await call('POST', `/v1/reviews/${item.id}/decision`, { reviewer: 'amy', decision: 'maybe', reason: 'ok' })).status).toBe(400);
    const decided = await call('POST', `/v1/reviews/${item.id}/decision`, { reviewer: 'amy', decision: 'approve', reason: 'photo matches' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ item: { status: 'decided', decision: 'approve' }, order: { id: o.id, status: 'verified' } });
    expect((await call('GET', '/v1/reviews')).status).toBe(200);
    expect((await fetch(base + '/v1/reviews')).status).toBe(401);
  });

  it('lets the seller accept a corrected price', async () => {
    const o = orders.add({ cardPin: '2222', status: 'review' });
    await items.open({ kind: 'review', stage: 'seller_confirmation', orderId: o.id, merchantId: 'mch_1', reason: 'denomination_mismatch', details: { correctedQuoteFen: 4_750 } });
    expect((await call('POST', `/v1/orders/${o.id}/confirmation`, { accept: 'yes' })).status).toBe(400);
    const r = await call('POST', `/v1/orders/${o.id}/confirmation`, { accept: true });
    expect(r.body).toMatchObject({ order: { status: 'priced', quoteFen: 4_750 } });
    expect((await call('POST', `/v1/orders/${o.id}/confirmation`, { accept: true })).body.code).toBe('no_pending_confirmation');
  });

  it('documents its endpoints in OpenAPI', () => {
    const registry = new OpenAPIRegistry();
    registerReviewOpenApi(registry);
    const doc = new OpenApiGeneratorV3(registry.definitions).generateDocument({ openapi: '3.0.3', info: { title: 't', version: '1' } });
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual(['/v1/orders/{id}/confirmation', '/v1/reviews', '/v1/reviews/{id}', '/v1/reviews/{id}/claim', '/v1/reviews/{id}/decision']);
  });
});
