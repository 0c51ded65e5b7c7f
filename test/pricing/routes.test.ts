import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { isAppError } from '../../src/core/errors.js';
import { pricingRoutes } from '../../src/api/routes/pricing.js';
import { createPricingService, percentFee, type PricingService } from '../../src/pricing/index.js';

let service: PricingService;
let base: string;
let close: () => void;

beforeAll(async () => {
  const t0 = Date.now();
  service = await createPricingService({ clock: new ManualClock(Date.UTC(2026, 0, 1)), feeLines: [percentFee('service_fee', 'Service fee', 0.005)] });
  expect(Date.now() - t0).toBeLessThan(5000); // < 1 s on an idle machine; CI is shared
  const app = express();
  // Stand-in for the lead's signature auth and problem+json middleware.
  app.use((req, _res, next) => {
    const m = req.get('x-test-merchant');
    if (m) (req as unknown as { merchant: { id: string } }).merchant = { id: m };
    next();
  });
  app.use(pricingRoutes({ pricing: service, policyFor: (id) => (id === 'mch_vip' ? { kind: 'market', premium: 0.02 } : undefined) }));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (isAppError(err)) res.status(err.status).type('application/problem+json').json({ code: err.code, status: err.status, detail: err.detail });
    else res.status(500).json({ code: 'internal' });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});

afterAll(async () => {
  close?.();
  await service?.close();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(base + path, { headers });
  return { status: r.status, body: r.status === 304 ? null : ((await r.json()) as Record<string, unknown>), headers: r.headers };
};

describe('GET /v1/quotes', () => {
  it('prices a card with breakdown, model version and expiry', async () => {
    const { status, body } = await get('/v1/quotes?carrier=cmcc&denomination=100');
    expect(status).toBe(200);
    expect(Number.isSafeInteger(body!.priceFen)).toBe(true);
    expect(body!.rate).toBeGreaterThan(0.85);
    expect(body!.rate).toBeLessThan(1);
    expect(body!.modelVersion).toBe(service.modelVersion);
    expect(body!.expiresAt).toBe('2026-01-01T00:10:00.000Z');
    const lines = body!.breakdown as Array<{ code: string; amountFen: number }>;
    expect(lines.map((l) => l.code)).toEqual(['market_price', 'market_premium', 'service_fee']);
    expect(lines.reduce((a, l) => a + l.amountFen, 0)).toBe(body!.priceFen);
    expect(body!.volatilityIndex).toBeGreaterThanOrEqual(0);
    expect(body!.volatilityIndex).toBeLessThanOrEqual(100);
    expect(typeof body!.heat).toBe('number');
    expect(await service.getQuote(body!.quoteId as string)).toMatchObject({ priceFen: body!.priceFen });
  });

  it("applies the authenticated merchant's policy", async () => {
    const plain = await get('/v1/quotes?carrier=cucc&denomination=50');
    const vip = await get('/v1/quotes?carrier=cucc&denomination=50', { 'x-test-merchant': 'mch_vip' });
    expect(vip.body!.policy).toEqual({ kind: 'market', premium: 0.02 });
    expect(vip.body!.priceFen as number).toBeGreaterThan(plain.body!.priceFen as number);
  });

  it.each([
    ['/v1/quotes?carrier=xxx&denomination=100', 'invalid_carrier'],
    ['/v1/quotes?denomination=100', 'invalid_carrier'],
    ['/v1/quotes?carrier=cmcc&denomination=15', 'invalid_denomination'],
    ['/v1/quotes?carrier=cmcc&denomination=abc', 'invalid_denomination'],
    ['/v1/forecasts?carrier=cmcc&denomination=100&horizon=8', 'invalid_horizon'],
    ['/v1/forecasts?carrier=cmcc&denomination=100&horizon=0', 'invalid_horizon'],
    ['/v1/forecasts?carrier=cmcc&denomination=100&horizon=1.5', 'invalid_horizon'],
  ])('%s → 400 %s', async (path, code) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body!.code).toBe(code);
  });
});

describe('GET /v1/forecasts', () => {
  it('returns points with intervals, volatility and heat; revalidates with ETag', async () => {
    const r = await get('/v1/forecasts?carrier=ctcc&denomination=30&horizon=3');
    expect(r.status).toBe(200);
    const points = r.body!.points as Array<{ date: string; rate: number; low: number; high: number }>;
    expect(points).toHaveLength(3);
    for (const p of points) {
      expect(p.low).toBeLessThanOrEqual(p.rate);
      expect(p.high).toBeGreaterThanOrEqual(p.rate);
    }
    expect(points[0].date > (r.body!.asOf as string)).toBe(true);
    const etag = r.headers.get('etag')!;
    expect((await get('/v1/forecasts?carrier=ctcc&denomination=30&horizon=3', { 'if-none-match': etag })).status).toBe(304);
    const full = await get('/v1/forecasts?carrier=ctcc&denomination=30');
    expect((full.body!.points as unknown[]).length).toBe(7);
  });

  it('recomputes after new data arrives', async () => {
    const before = await service.forecast({ carrier: 'cmcc', denomination: 500, horizon: 1 });
    const next = before.points[0].date;
    service.addObservations([{ date: next, carrier: 'cmcc', denomination: 500, price: before.lastRate * 500 * 0.97 }]);
    const after = await service.forecast({ carrier: 'cmcc', denomination: 500, horizon: 1 });
    expect(after.asOf).toBe(next);
    expect(after.points[0].rate).not.toBe(before.points[0].rate);
  });
});
