import type { Logger } from '../core/logger.js';
import { CARRIERS, parseCard, type Catalogue } from '../cards/index.js';
import type { JobQueue } from '../queue/types.js';
import { VALIDATE_JOB, VERIFY_JOB, type OrderService } from './order-service.js';

/**
 * `received → validated`: re-checks the stored card against the catalogue in force (denominations
 * are configurable, and may have changed since intake), then hands the order to verification.
 * Idempotent: an order already past `received` is only handed on again (the next job id dedupes).
 */
export function registerValidationJob(queue: JobQueue, deps: { orders: OrderService; logger: Logger; catalogue?: Catalogue }): void {
  queue.process<{ orderId: string }>(VALIDATE_JOB, async ({ orderId }) => {
    const order = await deps.orders.get(orderId);
    if (!order) return;
    if (order.status === 'received') {
      const card = await deps.orders.revealCard(orderId);
      const parsed = parseCard({ carrier: order.carrier, denomination: order.denomination, ...card }, deps.catalogue ?? CARRIERS);
      if (!parsed.ok) {
        await deps.orders.transition(orderId, 'rejected', { reason: parsed.problem.code, actor: 'validator' });
        return;
      }
      await deps.orders.transition(orderId, 'validated', { actor: 'validator' });
    } else if (order.status !== 'validated') {
      return;
    }
    await queue.add(VERIFY_JOB, { orderId }, { jobId: `verify:${orderId}` });
  });
}
