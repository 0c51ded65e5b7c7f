import { extendZodWithOpenApi, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { unauthorized } from '../../core/errors.js';
import { jsonBody } from '../middleware/body.js';
import { parseOrThrow } from '../validate.js';
import type { ReviewService } from '../../verification/review-service.js';

// registry.register() needs the .openapi() extension (idempotent; the app's openapi.ts does it too).
extendZodWithOpenApi(z);

/**
 * Review, dispute and seller-confirmation endpoints. The app verifies the merchant signature and
 * parses JSON before these run; a merchant only sees its own items.
 */
export interface ReviewRouteDeps {
  reviews: ReviewService;
}

const ItemKind = z.enum(['review', 'dispute']);
const ItemStatus = z.enum(['open', 'claimed', 'decided']);

export const ListReviewsQuery = z.object({
  kind: ItemKind.optional(),
  status: ItemStatus.optional(),
  orderId: z.string().min(1).max(64).optional(),
  cursor: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const Reviewer = z.string().min(1).max(64).regex(/^[\w.@-]+$/);

export const ClaimBody = z.object({ reviewer: Reviewer });
export const DecisionBody = z.object({
  reviewer: Reviewer,
  decision: z.enum(['approve', 'reject', 'reverify']),
  reason: z.string().min(1).max(500),
});
export const ConfirmationBody = z.object({ accept: z.boolean() });

export const ManualItemSchema = z.object({
  id: z.string(),
  kind: ItemKind,
  stage: z.enum(['risk', 'invalid_card', 'denomination_mismatch', 'seller_confirmation']),
  orderId: z.string(),
  merchantId: z.string(),
  status: ItemStatus,
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
  claimedBy: z.string().nullable(),
  claimedAt: z.string().nullable(),
  decision: z.string().nullable(),
  decisionReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});

function merchantOf(req: Request): string {
  const id = (req as unknown as { merchant?: { id?: unknown } }).merchant?.id;
  if (typeof id !== 'string' || !id) throw unauthorized('unauthenticated', 'merchant authentication required');
  return id;
}

/** The app keeps the raw body for the signature check; parse it here unless something already did. */
function json(): RequestHandler {
  const parseRaw = jsonBody();
  return (req, res, next) => {
    if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) return next();
    parseRaw(req, res, next);
  };
}

export function reviewRoutes(deps: ReviewRouteDeps): Router {
  const router = Router();
  router.get('/v1/reviews', async (req, res) => {
    const merchantId = merchantOf(req);
    const q = parseOrThrow(ListReviewsQuery, req.query, 'query');
    const items = await deps.reviews.list({ ...q, merchantId });
    res.json({ items, nextCursor: items.length === q.limit ? items[items.length - 1].id : null });
  });
  router.get('/v1/reviews/:id', async (req, res) => {
    res.json(await deps.reviews.get(String(req.params.id), merchantOf(req)));
  });
  router.post('/v1/reviews/:id/claim', json(), async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseOrThrow(ClaimBody, req.body);
    res.json(await deps.reviews.claim(String(req.params.id), `${merchantId}:${body.reviewer}`, merchantId));
  });
  router.post('/v1/reviews/:id/decision', json(), async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseOrThrow(DecisionBody, req.body);
    const { item, order } = await deps.reviews.decide(String(req.params.id), {
      decision: body.decision,
      reason: body.reason,
      actor: `${merchantId}:${body.reviewer}`,
      merchantId,
    });
    res.json({ item, order: { id: order.id, status: order.status, reason: order.reason, quoteFen: order.quoteFen } });
  });
  router.post('/v1/orders/:id/confirmation', json(), async (req, res) => {
    const merchantId = merchantOf(req);
    const body = parseOrThrow(ConfirmationBody, req.body);
    const { item, order } = await deps.reviews.respondToCorrection({
      orderId: String(req.params.id),
      merchantId,
      accept: body.accept,
      actor: `${merchantId}:seller`,
    });
    res.json({ item, order: { id: order.id, status: order.status, reason: order.reason, quoteFen: order.quoteFen } });
  });
  return router;
}

export function registerReviewOpenApi(registry: OpenAPIRegistry): void {
  const Item = registry.register('ReviewItem', ManualItemSchema);
  const OrderBrief = z.object({ id: z.string(), status: z.string(), reason: z.string().nullable(), quoteFen: z.number().int().nullable() });
  const Decided = z.object({ item: Item, order: OrderBrief });
  const idParam = z.object({ id: z.string() });
  const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
  const problem = { description: 'Problem (application/problem+json)' };
  registry.registerPath({
    method: 'get', path: '/v1/reviews', tags: ['reviews'], summary: 'List review and dispute items of the merchant',
    request: { query: ListReviewsQuery },
    responses: { 200: { description: 'Items, oldest first', ...json(z.object({ items: z.array(Item), nextCursor: z.string().nullable() })) }, 400: problem },
  });
  registry.registerPath({
    method: 'get', path: '/v1/reviews/{id}', tags: ['reviews'], summary: 'One review or dispute item',
    request: { params: idParam },
    responses: { 200: { description: 'The item', ...json(Item) }, 404: problem },
  });
  registry.registerPath({
    method: 'post', path: '/v1/reviews/{id}/claim', tags: ['reviews'], summary: 'Claim an item before deciding it',
    request: { params: idParam, body: json(ClaimBody) },
    responses: { 200: { description: 'The claimed item', ...json(Item) }, 404: problem, 409: problem },
  });
  registry.registerPath({
    method: 'post', path: '/v1/reviews/{id}/decision', tags: ['reviews'], summary: 'Decide a claimed item: approve, reject or reverify',
    request: { params: idParam, body: json(DecisionBody) },
    responses: { 200: { description: 'The decided item and the order after its transition', ...json(Decided) }, 404: problem, 409: problem },
  });
  registry.registerPath({
    method: 'post', path: '/v1/orders/{id}/confirmation', tags: ['orders'], summary: 'Seller accepts or refuses the quote corrected to the real face value',
    request: { params: idParam, body: json(ConfirmationBody) },
    responses: { 200: { description: 'The order after the answer', ...json(Decided) }, 409: problem },
  });
}
