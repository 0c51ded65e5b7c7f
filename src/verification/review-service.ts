import { conflict, notFound, isAppError } from '../core/errors.js';
import type { OrderPipelinePort, PipelineOrder, TransitionInfo } from '../orders/port.js';
import type { OrderStatus } from '../orders/statuses.js';
import type { JobQueue } from '../queue/types.js';
import { VERIFY_JOB } from './job-names.js';
import type { VerificationResultStore } from './result-store.js';
import type { ListItemsQuery, ManualItem, ManualItemStore } from './review-store.js';

export type ReviewDecision = 'approve' | 'reject' | 'reverify';

export interface ReviewServiceDeps {
  orders: OrderPipelinePort;
  items: ManualItemStore;
  results: VerificationResultStore;
  queue: JobQueue;
  /** Hands an order approved straight to `priced` on to settlement (idempotent). */
  onPriced?: (orderId: string) => Promise<void>;
}

export interface DecisionInput {
  decision: ReviewDecision;
  reason: string;
  actor: string;
  /** When given, items of other merchants are invisible (404). */
  merchantId?: string;
}

/** What each decision does to the order, per item stage (lifecycles as data). */
const APPROVE_TARGET: Record<ManualItem['stage'], OrderStatus> = {
  risk: 'verifying',
  invalid_card: 'verified',
  denomination_mismatch: 'verified',
  seller_confirmation: 'priced',
};

/**
 * Review and dispute decisions, and the seller's answer to a corrected price. Every decision is an
 * order transition through the port (which audits it); follow-up work goes back on the queue.
 */
export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  list(q: ListItemsQuery): Promise<ManualItem[]> {
    return this.deps.items.list(q);
  }

  async get(id: string, merchantId?: string): Promise<ManualItem> {
    const item = await this.deps.items.get(id);
    if (!item || (merchantId && item.merchantId !== merchantId)) throw notFound('review_not_found', `no review item ${id}`);
    return item;
  }

  async claim(id: string, actor: string, merchantId?: string): Promise<ManualItem> {
    await this.get(id, merchantId);
    return this.deps.items.claim(id, actor);
  }

  /** Decides a claimed item: the claimant only. */
  async decide(id: string, input: DecisionInput): Promise<{ item: ManualItem; order: PipelineOrder }> {
    const item = await this.get(id, input.merchantId);
    if (item.status === 'decided') throw conflict('review_already_decided', `item ${id} is decided already`);
    if (item.status !== 'claimed' || item.claimedBy !== input.actor) {
      throw conflict('review_not_claimed', `claim item ${id} before deciding it`);
    }
    return this.apply(item, input.decision, input.reason, input.actor);
  }

  /** The seller accepts or refuses the corrected quote of a card whose real face value differs. */
  async respondToCorrection(input: { orderId: string; merchantId: string; accept: boolean; actor: string }): Promise<{ item: ManualItem; order: PipelineOrder }> {
    const item = await this.deps.items.liveForOrder(input.orderId, 'review');
    if (!item || item.merchantId !== input.merchantId || item.stage !== 'seller_confirmation') {
      throw conflict('no_pending_confirmation', `order ${input.orderId} is not waiting for a price confirmation`);
    }
    return input.accept
      ? this.apply(item, 'approve', 'seller_accepted_correction', input.actor)
      : this.apply(item, 'reject', 'seller_refused_correction', input.actor);
  }

  private async apply(item: ManualItem, decision: ReviewDecision, reason: string, actor: string): Promise<{ item: ManualItem; order: PipelineOrder }> {
    const current = await this.deps.orders.get(item.orderId);
    if (!current) throw notFound('order_not_found', `no order ${item.orderId}`);
    let target: OrderStatus;
    let orderReason: string | undefined;
    const info: TransitionInfo = { actor, details: { review: { itemId: item.id, kind: item.kind, stage: item.stage, decision, reason } } };
    if (decision === 'reject') {
      target = 'rejected';
      // Keep the failure's own code (card_invalid, risk_…) so diagnosis finds its case.
      orderReason = reason === 'seller_refused_correction' ? reason : item.reason;
    } else if (decision === 'reverify') {
      target = 'verifying';
    } else {
      target = APPROVE_TARGET[item.stage];
      if (target === 'priced') {
        const quote = item.details.correctedQuoteFen;
        if (typeof quote !== 'number') throw conflict('corrected_quote_missing', `item ${item.id} has no corrected quote`);
        info.quoteFen = quote;
      }
    }
    if (orderReason) info.reason = orderReason;
    let order = current;
    // Re-deciding after a crash: the order may already be where the decision sends it.
    if (current.status !== target) {
      try {
        order = await this.deps.orders.transition(item.orderId, target, info);
      } catch (e) {
        if (isAppError(e) && e.code === 'invalid_transition') {
          throw conflict('order_moved_on', `order ${item.orderId} is ${current.status}; the decision no longer applies`);
        }
        throw e;
      }
    }
    if (target === 'priced') await this.deps.onPriced?.(item.orderId);
    if (target === 'verifying' || target === 'verified') {
      const latest = await this.deps.results.latest(item.orderId);
      // A new round makes the carrier step ask again (bypassing the cache) instead of reusing the old answer.
      const round = target === 'verifying' && latest ? latest.round + 1 : latest?.round ?? 0;
      await this.deps.queue.add(VERIFY_JOB, { orderId: item.orderId, round }, { jobId: `verify:${item.orderId}:${item.id}` });
    }
    await this.deps.items.markDecided(item.id, decision, reason, actor);
    return { item: (await this.deps.items.get(item.id)) ?? item, order };
  }
}
