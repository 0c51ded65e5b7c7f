/**
 * An in-memory OrderPipelinePort for tests and the benchmark, honouring the real transitions
 * table (src/orders/statuses.ts) until the orders module is wired in.
 */
import { AppError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import { canTransition, type OrderStatus } from '../../orders/statuses.js';
import type { OrderPipelinePort, PipelineOrder, SecretCard, TransitionInfo } from '../../orders/port.js';

export interface TransitionRecord {
  orderId: string;
  from: OrderStatus;
  to: OrderStatus;
  info: TransitionInfo;
  at: string;
}

export class MemoryOrders implements OrderPipelinePort {
  readonly orders = new Map<string, PipelineOrder>();
  readonly history: TransitionRecord[] = [];
  constructor(
    private readonly clock: Clock,
    private readonly onTransition?: (order: PipelineOrder, from: OrderStatus, rec: TransitionRecord) => void,
  ) {}

  add(partial: Partial<PipelineOrder> & { id: string; merchantId: string }): PipelineOrder {
    const order: PipelineOrder = {
      merchantOrderId: partial.id, carrier: 'cmcc', denomination: 100, status: 'priced', reason: null, quoteFen: 9_500,
      settledFen: null, notifyUrl: null, payout: null, context: {}, cardFingerprint: 'fp', createdAt: this.clock.now().toISOString(),
      ...partial,
    };
    this.orders.set(order.id, order);
    return order;
  }

  async get(orderId: string): Promise<PipelineOrder | undefined> {
    const o = this.orders.get(orderId);
    return o ? { ...o } : undefined;
  }

  async revealCard(): Promise<SecretCard> {
    throw new AppError('not_supported', 500, 'Not supported');
  }

  async transition(orderId: string, to: OrderStatus, info: TransitionInfo = {}): Promise<PipelineOrder> {
    const o = this.orders.get(orderId);
    if (!o) throw new AppError('order_not_found', 404, 'Not found');
    if (!canTransition(o.status, to)) throw new AppError('invalid_transition', 409, 'Conflict', { detail: `${o.status} → ${to}` });
    const from = o.status;
    o.status = to;
    o.reason = info.reason ?? null;
    if (info.settledFen !== undefined) o.settledFen = info.settledFen;
    if (info.quoteFen !== undefined) o.quoteFen = info.quoteFen;
    const rec = { orderId, from, to, info, at: this.clock.now().toISOString() };
    this.history.push(rec);
    this.onTransition?.({ ...o }, from, rec);
    return { ...o };
  }
}
