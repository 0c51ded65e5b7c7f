import express, { type Express, type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { AppError } from '../core/errors.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { authenticate } from './middleware/authenticate.js';
import { readRawBody } from './middleware/body.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { idempotency } from './middleware/idempotency.js';
import { requestLog } from './middleware/request-log.js';
import { buildOpenApiDocument, type OpenApiContributor } from './openapi.js';
import { openApiContributors } from '../runtime/openapi-contributors.js';
import { problemMiddleware } from './problem.js';
import { opsRoutes } from './routes/ops.js';
import { orderRoutes } from './routes/orders.js';

export interface AppExtensions {
  /** Routers behind signature auth and idempotency (merchant API under /v1). */
  merchantRouters?: Router[];
  /** Routers with their own authentication (gateway notifications) or none (dev simulators). */
  publicRouters?: Router[];
  openapi?: OpenApiContributor[];
}

export interface AppState {
  accepting: boolean;
}

/**
 * The HTTP app. Order matters: request id and metrics first; ops and docs unauthenticated; then
 * under /v1 the raw body is read once, the signature checked over it, POSTs made idempotent, and
 * only then does a route parse the body.
 */
export function createApp(runtime: Runtime, ext: AppExtensions = {}, state: AppState = { accepting: true }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  // No hash of every body for a weak ETag: the routes that can be revalidated (forecasts, quotes)
  // set a validator of their own from the model version and data date.
  app.set('etag', false);
  app.use(requestLog(runtime.logger));
  app.use(httpMetrics(runtime.metrics));

  // The merchant API first: it is the hot path, and every layer ahead of it is a path match per
  // request. Public routers go before the signature check (the gateway's notify lives under /v1 and
  // carries its own signature); ops and docs come after, as no /v1 route matches their paths.
  for (const r of ext.publicRouters ?? []) app.use(r);
  app.use('/v1', readRawBody(), authenticate(runtime.authenticator), idempotency(runtime.idempotency));
  app.use(orderRoutes({ orders: runtime.orders }));
  for (const r of ext.merchantRouters ?? []) app.use(r);

  const openapi = buildOpenApiDocument(ext.openapi ?? openApiContributors());
  app.use(opsRoutes({ db: runtime.database.db, redis: runtime.redis, metrics: runtime.metrics, accepting: () => state.accepting }));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'cardrecycle API' }));

  app.use((req, _res, next) => {
    next(new AppError('not_found', 404, 'Not found', { detail: `no route for ${req.method} ${req.path.slice(0, 200)}` }));
  });
  app.use(problemMiddleware(runtime.logger));
  return app;
}
