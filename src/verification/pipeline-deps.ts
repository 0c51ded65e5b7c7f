import type { Clock } from '../core/clock.js';
import { isAppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { OrderPipelinePort, PipelineOrder, TransitionInfo } from '../orders/port.js';
import type { OrderStatus } from '../orders/statuses.js';
import type { JobQueue } from '../queue/types.js';
import type { RiskEngine } from '../risk/risk-engine.js';
import type { OrderLeases } from './order-lease.js';
import type { VerificationResultStore } from './result-store.js';
import type { ManualItemStore } from './review-store.js';
import type { VerificationService } from './verification-service.js';

export type Pricer = (order: PipelineOrder) => Promise<{ quoteFen: number; details: object }>;

/** Everything the verification job processors use, injected once at start-up. */
export interface PipelineDeps {
  orders: OrderPipelinePort;
  verification: VerificationService;
  risk: RiskEngine;
  pricer: Pricer;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  results: VerificationResultStore;
  items: ManualItemStore;
  /** One worker per order at a time. */
  leases: OrderLeases;
  /** The merchant's stored settings document (merchants.settings), parsed with PipelineSettingsSchema. */
  merchantSettings: (merchantId: string) => Promise<unknown>;
  /**
   * Hands a priced order on (to settlement), idempotently. Awaited before the job completes, and
   * again when a re-delivered job finds the order priced: a worker killed between the `priced`
   * commit and the hand-over cannot leave the order stranded.
   */
  onPriced?: (orderId: string) => Promise<void>;
}

/**
 * Moves an order; `undefined` when the move is no longer allowed because another worker moved the
 * order first (at-least-once delivery), which makes this run a no-op.
 */
export async function move(deps: Pick<PipelineDeps, 'orders' | 'logger'>, orderId: string, to: OrderStatus, info: TransitionInfo): Promise<PipelineOrder | undefined> {
  try {
    return await deps.orders.transition(orderId, to, { actor: 'system:verification', ...info });
  } catch (e) {
    if (isAppError(e) && e.code === 'invalid_transition') {
      deps.logger.info({ orderId, to }, 'order moved on meanwhile; step skipped');
      return undefined;
    }
    throw e;
  }
}
