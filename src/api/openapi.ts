import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { BatchResultSchema, BatchSchema, CreateOrderSchema, OrderListSchema, OrderSchema } from '../orders/schemas.js';

extendZodWithOpenApi(z);

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:cardrecycle:problem:card_already_submitted' }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable snake_case error code' }),
    detail: z.string(),
    requestId: z.string().optional(),
  })
  .openapi('Problem');

export type OpenApiContributor = (registry: OpenAPIRegistry) => void;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export const COMMON_ERRORS = {
  400: problem('Malformed JSON, unknown or mistyped fields, missing Idempotency-Key'),
  401: problem('Missing or bad signature, stale timestamp, reused nonce'),
  409: problem('Conflict (duplicate card, reused Idempotency-Key, invalid transition)'),
  413: problem('Body too large'),
  415: problem('Wrong content type'),
  422: problem('Card fails its carrier format'),
};

const idempotencyHeader = z.string().min(1).max(255).openapi({ description: 'Stripe semantics, kept 24 h' });

function registerCore(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'merchantSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'CR-HMAC-SHA256 keyId="…",timestamp="…",nonce="…",signature="…" where signature = base64(HMAC-SHA256(secret, METHOD\\nPATH_AND_QUERY\\ntimestamp\\nnonce\\nBODY\\n)); or CR-RSA-SHA256 over the same message.',
  });
  const security = [{ merchantSignature: [] }];
  registry.registerPath({
    method: 'post', path: '/v1/orders', operationId: 'createOrder', summary: 'Submit a card for buy-back', security,
    request: { headers: z.object({ 'Idempotency-Key': idempotencyHeader }), body: { content: { 'application/json': { schema: CreateOrderSchema } } } },
    responses: { 202: { description: 'Accepted; validation runs as a job', content: { 'application/json': { schema: OrderSchema } } }, ...COMMON_ERRORS },
  });
  registry.registerPath({
    method: 'post', path: '/v1/orders/batch', operationId: 'createOrderBatch', summary: 'Submit up to 1000 cards; results per item', security,
    request: { headers: z.object({ 'Idempotency-Key': idempotencyHeader }), body: { content: { 'application/json': { schema: BatchSchema } } } },
    responses: { 200: { description: 'Per-item results', content: { 'application/json': { schema: BatchResultSchema } } }, ...COMMON_ERRORS },
  });
  registry.registerPath({
    method: 'get', path: '/v1/orders', operationId: 'listOrders', summary: 'List orders, newest first', security,
    request: { query: z.object({ cursor: z.string().optional(), limit: z.number().int().min(1).max(200).optional() }) },
    responses: { 200: { description: 'A page of orders', content: { 'application/json': { schema: OrderListSchema } } }, 400: COMMON_ERRORS[400], 401: COMMON_ERRORS[401] },
  });
  registry.registerPath({
    method: 'get', path: '/v1/orders/{id}', operationId: 'getOrder', summary: 'An order with its history', security,
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The order', content: { 'application/json': { schema: OrderSchema } } }, 401: COMMON_ERRORS[401], 404: problem('No such order') },
  });
  for (const [path, summary, operationId] of [['/healthz', 'Liveness', 'health'], ['/readyz', 'Readiness (database, Redis)', 'readiness'], ['/metrics', 'Prometheus metrics', 'metrics']] as const) {
    registry.registerPath({ method: 'get', path, summary, operationId, security: [], responses: { 200: { description: 'OK' }, ...(path === '/readyz' ? { 503: { description: 'Not ready' } } : {}) } });
  }
}

/** OpenAPI 3.1, generated from the same zod schemas the handlers validate with. */
export function buildOpenApiDocument(contributors: OpenApiContributor[] = []): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registerCore(registry);
  for (const c of contributors) c(registry);
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'cardrecycle API',
      version: '1.0.0',
      description: 'Buy-back of Chinese prepaid phone recharge cards. Money is integer fen; errors are application/problem+json.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'this service' }],
  });
  // Merchant signatures by default; the ops endpoints and the gateway's notify carry no merchant signature.
  const out: Record<string, unknown> = { ...(doc as unknown as Record<string, unknown>), security: [{ merchantSignature: [] }] };
  for (const [path, item] of Object.entries((out.paths ?? {}) as Record<string, Record<string, { security?: unknown }>>)) {
    if (path.startsWith('/v1/') && !path.startsWith('/v1/gateway/')) continue;
    for (const op of Object.values(item)) if (op && typeof op === 'object' && !op.security) op.security = [];
  }
  return out;
}
