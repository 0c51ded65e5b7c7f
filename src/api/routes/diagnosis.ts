import { extendZodWithOpenApi, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { notFound, unauthorized } from '../../core/errors.js';
import { diagnose, type DiagnosisMetrics, type HistoryEntry } from '../../diagnosis/diagnose.js';
import type { OrderPipelinePort } from '../../orders/port.js';

// registry.register() needs the .openapi() extension (idempotent; the app's openapi.ts does it too).
extendZodWithOpenApi(z);

export interface DiagnosisRouteDeps {
  orders: Pick<OrderPipelinePort, 'get'>;
  history: (orderId: string) => Promise<HistoryEntry[]>;
  /** From createDiagnosisMetrics(registry): counts failures with no case. */
  metrics?: DiagnosisMetrics;
}

function merchantOf(req: Request): string {
  const id = (req as unknown as { merchant?: { id?: unknown } }).merchant?.id;
  if (typeof id !== 'string' || !id) throw unauthorized('unauthenticated', 'merchant authentication required');
  return id;
}

/** `GET /v1/orders/{id}/diagnosis`: the matched case of the order's failure. */
export function diagnosisHandler(deps: DiagnosisRouteDeps): RequestHandler {
  return async (req, res) => {
    const merchantId = merchantOf(req);
    const id = String(req.params.id);
    const order = await deps.orders.get(id);
    if (!order || order.merchantId !== merchantId) throw notFound('order_not_found', `no order ${id}`);
    res.json(diagnose(order, await deps.history(id), deps.metrics));
  };
}

export function diagnosisRoutes(deps: DiagnosisRouteDeps): Router {
  const router = Router();
  router.get('/v1/orders/:id/diagnosis', diagnosisHandler(deps));
  return router;
}

export function registerDiagnosisOpenApi(registry: OpenAPIRegistry): void {
  const Case = z.object({
    code: z.string(), prefix: z.boolean().optional(), title: z.string(), cause: z.string(), remedy: z.string(),
    owner: z.enum(['seller', 'merchant', 'operator', 'carrier']), retryable: z.boolean(),
  });
  const Diagnosis = registry.register('Diagnosis', z.object({
    orderId: z.string(), status: z.string(), code: z.string().nullable(), matched: z.boolean(),
    case: Case.nullable(), evidence: z.array(z.object({ status: z.string(), reason: z.string() })),
  }));
  registry.registerPath({
    method: 'get', path: '/v1/orders/{id}/diagnosis', tags: ['orders'], summary: 'Known cause and remedy of the order\'s failure',
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: { description: 'The matched case (case `unknown` when the code has none; null when nothing failed)', content: { 'application/json': { schema: Diagnosis } } },
      404: { description: 'Problem (application/problem+json)' },
    },
  });
}
