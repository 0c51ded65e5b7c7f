import { AppError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import type { OrderPipelinePort, PipelineOrder, SecretCard, TransitionInfo } from '../../src/orders/port.js';
import { canTransition, type OrderStatus } from '../../src/orders/statuses.js';
import { UnrecoverableJobError, type JobContext, type JobHandler, type JobOptions, type JobQueue, type QueueCounts } from '../../src/queue/types.js';

export const silentLogger = createLogger({ level: 'silent' });

export interface HistoryRow {
  from_status: OrderStatus;
  to_status: OrderStatus;
  reason: string | null;
  details: Record<string, unknown>;
  actor: string;
}

/** In-memory OrderPipelinePort that enforces the real transitions table. */
export class FakeOrders implements OrderPipelinePort {
  readonly orders = new Map<string, PipelineOrder>();
  readonly cards = new Map<string, SecretCard>();
  readonly history = new Map<string, HistoryRow[]>();
  private seq = 0;

  add(partial: Partial<PipelineOrder> & { cardPin: string; cardNumber?: string }): PipelineOrder {
    const id = partial.id ?? `ord_test${String(++this.seq).padStart(6, '0')}`;
    const { cardPin, cardNumber, ...rest } = partial;
    const order: PipelineOrder = {
      id,
      merchantId: 'mch_1',
      merchantOrderId: `m-${id}`,
      carrier: 'cmcc',
      denomination: 100,
      status: 'validated',
      reason: null,
      quoteFen: null,
      settledFen: null,
      notifyUrl: null,
      payout: null,
      context: {},
      cardFingerprint: `fp_${cardNumber ?? id}_${cardPin}`,
      createdAt: new Date(0).toISOString(),
      ...rest,
    };
    this.orders.set(id, order);
    this.cards.set(id, { cardNumber: cardNumber ?? '12345678901234567', cardPin });
    this.history.set(id, []);
    return order;
  }

  async get(orderId: string): Promise<PipelineOrder | undefined> {
    const o = this.orders.get(orderId);
    return o ? { ...o } : undefined;
  }

  async revealCard(orderId: string): Promise<SecretCard> {
    const c = this.cards.get(orderId);
    if (!c) throw new AppError('order_not_found', 404, 'Not found');
    return { ...c };
  }

  async transition(orderId: string, to: OrderStatus, info: TransitionInfo = {}): Promise<PipelineOrder> {
    const o = this.orders.get(orderId);
    if (!o) throw new AppError('order_not_found', 404, 'Not found');
    if (!canTransition(o.status, to)) throw new AppError('invalid_transition', 409, 'Conflict', { detail: `${o.status} → ${to}` });
    this.history.get(orderId)!.push({ from_status: o.status, to_status: to, reason: info.reason ?? null, details: info.details ?? {}, actor: info.actor ?? 'system' });
    const next: PipelineOrder = {
      ...o,
      status: to,
      reason: info.reason ?? null,
      quoteFen: info.quoteFen ?? o.quoteFen,
      settledFen: info.settledFen ?? o.settledFen,
    };
    this.orders.set(orderId, next);
    return { ...next };
  }

  statuses(orderId: string): OrderStatus[] {
    return (this.history.get(orderId) ?? []).map((h) => h.to_status);
  }
}

interface QueuedJob {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  maxAttempts: number;
  delayMs: number;
}

/**
 * In-memory JobQueue: `add` dedupes on jobId, `runAll` runs every due job (delays ignored) with the
 * queue's retry semantics (attempts, UnrecoverableJobError), recording failures.
 */
export class FakeQueue implements JobQueue {
  readonly kind = 'database' as const;
  readonly added: QueuedJob[] = [];
  readonly failed: Array<{ job: QueuedJob; error: unknown }> = [];
  private readonly pending: QueuedJob[] = [];
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly ids = new Set<string>();
  private n = 0;

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<string> {
    const id = options.jobId ?? `job_${++this.n}`;
    if (this.ids.has(id)) return id;
    this.ids.add(id);
    const job = { id, name, data, attempt: 1, maxAttempts: options.attempts ?? 5, delayMs: options.delayMs ?? 0 };
    this.added.push(job);
    this.pending.push(job);
    return id;
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  async runAll(limit = 100): Promise<void> {
    for (let i = 0; i < limit && this.pending.length > 0; i++) {
      const job = this.pending.shift()!;
      const handler = this.handlers.get(job.name);
      if (!handler) throw new Error(`no handler for ${job.name}`);
      const ctx: JobContext = { jobId: job.id, name: job.name, attempt: job.attempt, maxAttempts: job.maxAttempts };
      try {
        await handler(job.data, ctx);
      } catch (error) {
        if (error instanceof UnrecoverableJobError || job.attempt >= job.maxAttempts) this.failed.push({ job, error });
        else this.pending.push({ ...job, attempt: job.attempt + 1 });
      }
    }
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    return {};
  }
  async drain(): Promise<void> {
    await this.runAll();
  }
  async close(): Promise<void> {}
}
