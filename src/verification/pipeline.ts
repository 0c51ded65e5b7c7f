import type { PipelineOrder } from '../orders/port.js';
import type { JobContext, JobQueue } from '../queue/types.js';
import { carrierStep, type StepResult } from './carrier-step.js';
import { VERIFY_BATCH_JOB, VERIFY_JOB, type VerifyJobData } from './job-names.js';
import { parsePipelineSettings, type PipelineSettings } from './merchant-settings.js';
import { move, type PipelineDeps } from './pipeline-deps.js';

/**
 * The verification pipeline as one idempotent job: it looks at where the order is and runs the
 * step for that status (validated → risk, verifying → carrier, verified → pricing) until the order
 * is priced or parked. Re-running it for an order already past a step is a no-op.
 */
export async function processVerifyJob(deps: PipelineDeps, data: VerifyJobData, ctx: JobContext): Promise<void> {
  if (!data || typeof data.orderId !== 'string') return;
  await deps.leases.withLease(data.orderId, () => runSteps(deps, data, ctx));
}

async function runSteps(deps: PipelineDeps, data: VerifyJobData, ctx: JobContext): Promise<void> {
  let settings: PipelineSettings | undefined;
  // Each step hands over the order as it moved it: read once, not once per step.
  let order = await deps.orders.get(data.orderId);
  // At most one pass per status: validated → verifying → verified → priced.
  for (let i = 0; i < 4; i++) {
    if (!order) {
      deps.logger.warn({ orderId: data.orderId, job: ctx.jobId }, 'verify job for an unknown order; dropped');
      return;
    }
    settings ??= parsePipelineSettings(await deps.merchantSettings(order.merchantId));
    let next: StepResult;
    switch (order.status) {
      case 'validated':
        next = await riskStep(deps, order, settings);
        break;
      case 'verifying':
        next = await carrierStep(deps, order, data, ctx, settings.exceptionPolicies);
        break;
      case 'verified':
        next = await priceStep(deps, order, ctx);
        break;
      case 'priced':
        // A re-delivered job (its worker died after pricing): make sure the hand-over happened.
        await deps.onPriced?.(order.id);
        return;
      default:
        return; // past this job's steps, or parked for a person: nothing to do
    }
    if (next === 'done') return;
    order = next;
  }
}

async function riskStep(deps: PipelineDeps, order: PipelineOrder, settings: PipelineSettings): Promise<StepResult> {
  const d = await deps.risk.evaluate(order, settings.risk);
  const risk = { decision: d.decision, reasons: d.reasons, evaluated: d.evaluated };
  if (d.decision === 'approve') return (await move(deps, order.id, 'verifying', { details: { risk } })) ?? 'done';
  const first = d.reasons.find((r) => r.action === d.decision) ?? d.reasons[0];
  const reason = first?.code ?? 'risk_' + d.decision;
  if (d.decision === 'review') {
    await deps.items.open({ kind: 'review', stage: 'risk', orderId: order.id, merchantId: order.merchantId, reason, details: { risk } });
    await move(deps, order.id, 'review', { reason, details: { risk } });
  } else {
    await move(deps, order.id, 'rejected', { reason, details: { risk } });
  }
  return 'done';
}

/** Prices a verified order, at the real face value when the carrier reported a different one. */
async function priceStep(deps: PipelineDeps, order: PipelineOrder, ctx: JobContext): Promise<StepResult> {
  const latest = await deps.results.latest(order.id);
  const actual = latest?.outcome === 'denomination_mismatch' ? latest.actualDenomination : undefined;
  const denomination = actual ?? order.denomination;
  let quote: Awaited<ReturnType<PipelineDeps['pricer']>>;
  try {
    quote = await deps.pricer({ ...order, denomination });
  } catch (e) {
    // Retry through the queue; on the last attempt park the order where an operator sees it.
    if (ctx.attempt < ctx.maxAttempts) throw e;
    deps.logger.error({ orderId: order.id, err: e }, 'pricing failed on the last attempt');
    await move(deps, order.id, 'failed', { reason: 'pricing_failed', details: { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' } });
    return 'done';
  }
  const priced = await move(deps, order.id, 'priced', {
    quoteFen: quote.quoteFen,
    details: { pricing: quote.details, pricedDenomination: denomination, ...(actual !== undefined ? { compensatedFrom: order.denomination } : {}) },
  });
  if (priced) await deps.onPriced?.(order.id);
  return 'done';
}

/**
 * Registers the pipeline's processors on the queue: `order.verify` (main) and `order.verify.batch`
 * (the downgraded batch run of the `batch` carrier-timeout policy, one at a time).
 */
export function registerVerificationJobs(queue: JobQueue, deps: Omit<PipelineDeps, 'queue'> & { concurrency?: number }): void {
  const full: PipelineDeps = { ...deps, queue };
  queue.process<VerifyJobData>(VERIFY_JOB, (data, ctx) => processVerifyJob(full, data, ctx), { concurrency: deps.concurrency ?? 8 });
  queue.process<VerifyJobData>(VERIFY_BATCH_JOB, (data, ctx) => processVerifyJob(full, data, ctx), { concurrency: 1 });
}
