/**
 * Settlement job processors. Thin: each calls the service, which is idempotent on the order id
 * (ledger keys, payout row, out_biz_no). Transient gateway states are thrown so the queue retries
 * with backoff; delayed jobs with deterministic ids drive the T+1/weekly batches and reconciliation.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { JobQueue } from '../queue/types.js';
import type { WebhookDispatcher } from '../notify/webhooks.js';
import { cycleJobId, settleJobId } from './cycles.js';
import { businessDay } from './daily-limit.js';
import { reconcile, type ReconDeps } from './reconciliation.js';
import { PayoutPendingError, type SettleOutcome, type SettlementService } from './settlement-service.js';

export const JOBS = {
  settle: 'order.settle',
  payout: 'settlement.payout',
  cycle: 'settlement.cycle',
  reconcile: 'settlement.reconcile',
  webhook: 'webhook.deliver',
} as const;

export interface SettleJobData {
  orderId: string;
}
export interface CycleJobData {
  merchantId: string;
  dueAt: string;
}
export interface ReconcileJobData {
  billDate: string;
}

export interface SettlementJobDeps extends ReconDeps {
  service: SettlementService;
  clock: Clock;
  webhooks?: WebhookDispatcher;
  logger?: Logger;
  /** Worker concurrency for order.settle (default 8). */
  concurrency?: number;
}

const SETTLE_OPTIONS = { attempts: 12, backoffMs: 500 };

/** What the orders pipeline calls once an order is priced. */
export function enqueueSettlement(queue: JobQueue, orderId: string): Promise<string> {
  return queue.add<SettleJobData>(JOBS.settle, { orderId }, { jobId: settleJobId(orderId), ...SETTLE_OPTIONS });
}

export function scheduleCycle(queue: JobQueue, clock: Clock, merchantId: string, dueAt: Date): Promise<string> {
  return queue.add<CycleJobData>(JOBS.cycle, { merchantId, dueAt: dueAt.toISOString() }, {
    jobId: cycleJobId(merchantId, dueAt), delayMs: Math.max(0, dueAt.getTime() - clock.now().getTime()), attempts: 10, backoffMs: 5_000,
  });
}

/** Reconciles the bill of the business day before `now`'s at 10:30 CST the next day; each run schedules the next. */
export function scheduleReconciliation(queue: JobQueue, clock: Clock, billDate?: string): Promise<string> {
  const now = clock.now();
  const date = billDate ?? businessDay(new Date(now.getTime() - 86_400_000));
  const runAt = new Date(`${date}T10:30:00+08:00`).getTime() + 86_400_000;
  return queue.add<ReconcileJobData>(JOBS.reconcile, { billDate: date }, {
    jobId: `${JOBS.reconcile}-${date}`, delayMs: Math.max(0, runAt - now.getTime()), attempts: 8, backoffMs: 60_000,
  });
}

function throwIfPending(out: SettleOutcome): void {
  if (out.kind === 'pending') throw new PayoutPendingError(`payout of ${out.orderId} pending: ${out.reason}`);
}

export function registerSettlementJobs(queue: JobQueue, deps: SettlementJobDeps): void {
  const { service, logger } = deps;
  queue.process<SettleJobData>(JOBS.settle, async ({ orderId }) => {
    const out = await service.settleOrder(orderId);
    logger?.debug({ orderId, outcome: out.kind }, 'order.settle');
    throwIfPending(out);
  }, { concurrency: deps.concurrency ?? 8 });

  queue.process<SettleJobData>(JOBS.payout, async ({ orderId }) => {
    throwIfPending(await service.submitPayout(orderId));
  }, { concurrency: deps.concurrency ?? 8 });

  queue.process<CycleJobData>(JOBS.cycle, async ({ merchantId, dueAt }) => {
    const due = new Date(dueAt);
    const orderIds = await service.duePayouts(merchantId, due);
    for (const orderId of orderIds) {
      await queue.add<SettleJobData>(JOBS.payout, { orderId }, { jobId: `${JOBS.payout}-${orderId}-${due.getTime()}`, ...SETTLE_OPTIONS });
    }
    logger?.info({ merchantId, dueAt, payouts: orderIds.length }, 'settlement cycle queued payouts');
  }, { concurrency: 2 });

  queue.process<ReconcileJobData>(JOBS.reconcile, async ({ billDate }) => {
    const report = await reconcile(deps, billDate);
    logger?.info({ billDate, matched: report.matched, open: report.open, items: report.items.length }, 'reconciliation done');
    const next = businessDay(new Date(new Date(`${billDate}T12:00:00+08:00`).getTime() + 86_400_000));
    await scheduleReconciliation(queue, deps.clock, next);
  }, { concurrency: 1 });

  deps.webhooks?.registerJobs(queue);
}
