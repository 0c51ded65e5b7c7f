import express, { type Request } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { replyJson } from '../json-reply.js';
import type { PricingPolicy, PricingService } from '../../pricing/index.js';
import { carrierParam, denominationParam, forecastQuery, forecastResponse, horizonParam, quoteQuery, quoteResponse } from '../../pricing/http-schemas.js';

export interface PricingRouteDeps {
  pricing: PricingService;
  /** The authenticated merchant's pricing policy (undefined = market price, no premium). */
  policyFor?: (merchantId: string) => PricingPolicy | undefined | Promise<PricingPolicy | undefined>;
}

function field<T>(schema: z.ZodType<T>, value: unknown, code: string, name: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError(code, 400, 'Bad request', { detail: `${name}: ${r.error.issues[0]?.message ?? 'invalid'}` });
  return r.data;
}

function one(q: Request['query'], name: string): unknown {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** GET /v1/quotes and GET /v1/forecasts (mounted after signature auth by the app). */
export function pricingRoutes(deps: PricingRouteDeps): express.Router {
  const router = express.Router();

  router.get('/v1/quotes', async (req, res) => {
    const carrier = field(carrierParam, one(req.query, 'carrier'), 'invalid_carrier', 'carrier');
    const denomination = field(denominationParam, one(req.query, 'denomination'), 'invalid_denomination', 'denomination');
    // Set by the signature-auth middleware upstream.
    const merchantId = (req as Request & { merchant?: { id?: string } }).merchant?.id;
    const policy = merchantId && deps.policyFor ? await deps.policyFor(merchantId) : undefined;
    const quote = await deps.pricing.quote({ carrier, denomination, policy, merchantId });
    res.setHeader('Cache-Control', 'no-store');
    replyJson(res, quote);
  });

  router.get('/v1/forecasts', async (req, res) => {
    const carrier = field(carrierParam, one(req.query, 'carrier'), 'invalid_carrier', 'carrier');
    const denomination = field(denominationParam, one(req.query, 'denomination'), 'invalid_denomination', 'denomination');
    const horizon = field(horizonParam, one(req.query, 'horizon') ?? undefined, 'invalid_horizon', 'horizon');
    const forecast = await deps.pricing.forecast({ carrier, denomination, horizon });
    // The forecast changes only with new data or a new model: let clients revalidate cheaply.
    const etag = `W/"${forecast.modelVersion}:${forecast.asOf}:${carrier}:${denomination}:${horizon}"`;
    res.set('ETag', etag);
    if (req.get('If-None-Match') === etag) {
      res.status(304).end();
      return;
    }
    replyJson(res, forecast);
  });

  return router;
}

const problem = { 'application/problem+json': { schema: { type: 'object' as const, properties: { type: { type: 'string' as const }, title: { type: 'string' as const }, status: { type: 'integer' as const }, code: { type: 'string' as const }, detail: { type: 'string' as const } } } } };

export function registerPricingOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/v1/quotes',
    summary: 'Price a card now: forecast market rate × face value, the merchant policy, fees and risk adjustment',
    tags: ['pricing'],
    request: { query: quoteQuery },
    responses: {
      200: { description: 'A quote with its breakdown, model version and expiry', content: { 'application/json': { schema: quoteResponse } } },
      400: { description: 'invalid_carrier, invalid_denomination', content: problem },
      404: { description: 'series_not_found', content: problem },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/forecasts',
    summary: 'Buy-back rate forecast 1..7 days ahead with 80% intervals, volatility index and circulation heat',
    tags: ['pricing'],
    request: { query: forecastQuery },
    responses: {
      200: { description: 'Forecast', content: { 'application/json': { schema: forecastResponse } } },
      304: { description: 'Not modified (ETag: model version and data date)' },
      400: { description: 'invalid_carrier, invalid_denomination, invalid_horizon', content: problem },
      404: { description: 'series_not_found', content: problem },
    },
  });
}
