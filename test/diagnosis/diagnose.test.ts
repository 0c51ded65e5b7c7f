import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { diagnosisRoutes, registerDiagnosisOpenApi } from '../../src/api/routes/diagnosis.js';
import { isAppError } from '../../src/core/errors.js';
import { DIAGNOSIS_CASES, createDiagnosisMetrics, diagnose, findCase } from '../../src/diagnosis/index.js';
import { FakeOrders } from '../verification/fakes.js';

describe('diagnosis case library', () => {
  it('has unique codes with a cause and a remedy each', () => {
    const codes = DIAGNOSIS_CASES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of DIAGNOSIS_CASES) {
      expect(c.code).toMatch(/^[a-z0-9_]+$/);
      expect(c.cause.length).toBeGreaterThan(10);
      expect(c.remedy.length).toBeGreaterThan(10);
    }
  });

  it('covers every failure code the pipeline and risk engine emit', () => {
    const emitted = [
      'card_used', 'card_invalid', 'denomination_mismatch', 'denomination_mismatch_compensated', 'awaiting_seller_confirmation',
      'seller_refused_correction', 'carrier_unavailable', 'carrier_requeued', 'carrier_batch_scheduled', 'second_verification_scheduled',
      'risk_blocklisted_seller', 'risk_blocklisted_ip', 'risk_blocklisted_device', 'risk_blocklisted_card', 'risk_blocklisted_merchant',
      'risk_duplicate_card', 'risk_low_confidence', 'risk_velocity_seller', 'risk_velocity_ip', 'risk_velocity_device',
      'risk_daily_limit_seller', 'risk_daily_limit_merchant', 'pricing_failed',
    ];
    for (const code of emitted) expect(findCase(code), code).toBeDefined();
    expect(findCase('risk_velocity_ip')?.code).toBe('risk_velocity');
  });

  it('diagnoses from the order reason, else the latest history reason of a parked order; counts unmatched', async () => {
    const registry = new Registry();
    const metrics = createDiagnosisMetrics(registry);
    const history = [
      { to_status: 'verifying', reason: null, details: {} },
      { to_status: 'review', reason: 'card_invalid', details: {} },
    ];
    expect(diagnose({ id: 'o1', status: 'rejected', reason: 'card_used' }, history, metrics)).toMatchObject({ code: 'card_used', matched: true, case: { owner: 'seller' } });
    expect(diagnose({ id: 'o2', status: 'review', reason: null }, history, metrics)).toMatchObject({ code: 'card_invalid', evidence: [{ status: 'review', reason: 'card_invalid' }] });
    expect(diagnose({ id: 'o3', status: 'priced', reason: null }, history, metrics)).toMatchObject({ code: null, case: null });
    expect(diagnose({ id: 'o4', status: 'failed', reason: 'disk_on_fire' }, [], metrics)).toMatchObject({ matched: false, case: { code: 'unknown' } });
    const counter = (await registry.getMetricsAsJSON()).find((m) => m.name === 'cardrecycle_diagnosis_unmatched_total');
    expect(counter?.values).toEqual([expect.objectContaining({ value: 1, labels: { code: 'disk_on_fire' } })]);
  });

  it('serves GET /v1/orders/{id}/diagnosis for the owning merchant', async () => {
    const orders = new FakeOrders();
    const o = orders.add({ cardPin: '1', status: 'rejected', reason: 'risk_daily_limit_seller' });
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { merchant: { id: string } }).merchant = { id: req.header('x-m') ?? '' };
      next();
    });
    app.use(diagnosisRoutes({ orders, history: async () => [] }));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(isAppError(err) ? err.status : 500).json({ code: isAppError(err) ? err.code : 'internal' });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/v1/orders/${o.id}/diagnosis`, { headers: { 'x-m': 'mch_1' } });
      expect(await ok.json()).toMatchObject({ orderId: o.id, code: 'risk_daily_limit_seller', case: { code: 'risk_daily_limit', owner: 'merchant' } });
      expect((await fetch(`${base}/v1/orders/${o.id}/diagnosis`, { headers: { 'x-m': 'mch_2' } })).status).toBe(404);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    const registry = new OpenAPIRegistry();
    registerDiagnosisOpenApi(registry);
    const doc = new OpenApiGeneratorV3(registry.definitions).generateDocument({ openapi: '3.0.3', info: { title: 't', version: '1' } });
    expect(Object.keys(doc.paths ?? {})).toEqual(['/v1/orders/{id}/diagnosis']);
  });
});
