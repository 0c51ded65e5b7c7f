import type { PipelineOrder } from '../orders/port.js';
import type { JobContext } from '../queue/types.js';
import { CarrierTransientError } from './carrier.js';
import type { ExceptionPolicies } from './exception-policy.js';
import { VERIFY_BATCH_JOB, VERIFY_JOB, type VerifyJobData } from './job-names.js';
import { move, type PipelineDeps } from './pipeline-deps.js';
import type { StoredVerification } from './result-store.js';
import { CarrierUnavailableError } from './verification-service.js';

/** Outcome of a step: the order as it moved to a state the next step handles, or `done`. */
export type StepResult = PipelineOrder | 'done';

/**
 * The carrier step of an order in `verifying`: one stored answer per round (a re-run job reuses it),
 * then the merchant's exception policy decides what an unhappy answer or an outage does.
 */
export async function carrierStep(deps: PipelineDeps, order: PipelineOrder, job: VerifyJobData, ctx: JobContext, policies: ExceptionPolicies): Promise<StepResult> {
  const round = job.round ?? 0;
  const latest = await deps.results.latest(order.id);
  if (latest && latest.round > round) return 'done'; // a newer round superseded this job
  let result = await deps.results.get(order.id, round);
  if (!result) {
    const card = await deps.orders.revealCard(order.id);
    try {
      const answer = await deps.verification.verify(
        { carrier: order.carrier, cardNumber: card.cardNumber, cardPin: card.cardPin, denomination: order.denomination, requestId: order.id },
        order.cardFingerprint,
        { bypassCache: round > 0 },
      );
      result = await deps.results.save(order.id, round, answer);
    } catch (e) {
      if (e instanceof CarrierUnavailableError) return carrierOutage(deps, order, job, ctx, policies, e);
      throw e;
    }
  }
  return applyOutcome(deps, order, result, policies);
}

async function applyOutcome(deps: PipelineDeps, order: PipelineOrder, r: StoredVerification, p: ExceptionPolicies): Promise<StepResult> {
  const verification = { outcome: r.outcome, round: r.round, source: r.source, actualDenomination: r.actualDenomination };
  switch (r.outcome) {
    case 'valid':
      return (await move(deps, order.id, 'verified', { details: { verification } })) ?? 'done';
    case 'used':
      await move(deps, order.id, 'rejected', { reason: 'card_used', details: { verification } });
      return 'done';
    case 'invalid':
      return invalidCard(deps, order, r, p, verification);
    case 'denomination_mismatch':
      return denominationMismatch(deps, order, r, p, verification);
  }
}

async function invalidCard(deps: PipelineDeps, order: PipelineOrder, r: StoredVerification, p: ExceptionPolicies, verification: object): Promise<StepResult> {
  const details = { verification, policy: p.invalidCard };
  if (p.invalidCard === 'second_verification') {
    if (r.round >= 1) {
      await move(deps, order.id, 'rejected', { reason: 'card_invalid', details });
      return 'done';
    }
    await deps.queue.add<VerifyJobData>(VERIFY_JOB, { orderId: order.id, round: r.round + 1 }, {
      jobId: `verify:${order.id}:r${r.round + 1}`,
      delayMs: p.secondVerificationDelayMs,
    });
    await move(deps, order.id, 'verifying', { reason: 'second_verification_scheduled', details });
    return 'done';
  }
  const kind = p.invalidCard === 'dispute' ? 'dispute' : 'review';
  await deps.items.open({ kind, stage: 'invalid_card', orderId: order.id, merchantId: order.merchantId, reason: 'card_invalid', details });
  await move(deps, order.id, kind === 'dispute' ? 'disputed' : 'review', { reason: 'card_invalid', details });
  return 'done';
}

async function denominationMismatch(deps: PipelineDeps, order: PipelineOrder, r: StoredVerification, p: ExceptionPolicies, verification: object): Promise<StepResult> {
  const actual = r.actualDenomination;
  const details = { verification, policy: p.denominationMismatch, declaredDenomination: order.denomination, actualDenomination: actual };
  if (actual === undefined || actual <= 0) {
    // The carrier said "differs" without saying what it is: nobody can price it automatically.
    await deps.items.open({ kind: 'review', stage: 'denomination_mismatch', orderId: order.id, merchantId: order.merchantId, reason: 'denomination_mismatch', details });
    await move(deps, order.id, 'frozen', { reason: 'denomination_mismatch', details });
    return 'done';
  }
  if (p.denominationMismatch === 'compensate') {
    return (await move(deps, order.id, 'verified', { reason: 'denomination_mismatch_compensated', details })) ?? 'done';
  }
  if (p.denominationMismatch === 'freeze') {
    await deps.items.open({ kind: 'review', stage: 'denomination_mismatch', orderId: order.id, merchantId: order.merchantId, reason: 'denomination_mismatch', details });
    await move(deps, order.id, 'frozen', { reason: 'denomination_mismatch', details });
    return 'done';
  }
  const quote = await deps.pricer({ ...order, denomination: actual });
  const confirm = { ...details, correctedQuoteFen: quote.quoteFen, pricing: quote.details };
  await deps.items.open({ kind: 'review', stage: 'seller_confirmation', orderId: order.id, merchantId: order.merchantId, reason: 'denomination_mismatch', details: confirm });
  await move(deps, order.id, 'review', { reason: 'awaiting_seller_confirmation', details: confirm });
  return 'done';
}

/** No channel answered: the merchant's carrier-timeout policy decides how to try again. */
async function carrierOutage(deps: PipelineDeps, order: PipelineOrder, job: VerifyJobData, ctx: JobContext, p: ExceptionPolicies, e: CarrierUnavailableError): Promise<StepResult> {
  const details = { carrier: { code: e.code, lastCode: e.lastCode }, policy: p.carrierTimeout };
  if (p.carrierTimeout === 'backoff_retry') {
    if (ctx.attempt < ctx.maxAttempts) {
      deps.logger.warn({ orderId: order.id, attempt: ctx.attempt, lastCode: e.lastCode }, 'carrier unavailable; queue retries with backoff');
      throw new CarrierTransientError('carrier_unavailable', `carrier unavailable (${e.lastCode}); retrying`);
    }
    await move(deps, order.id, 'failed', { reason: 'carrier_unavailable', details: { ...details, attempts: ctx.attempt } });
    return 'done';
  }
  const retry = (job.retry ?? 0) + 1;
  if (retry > p.maxCarrierRetries) {
    await move(deps, order.id, 'failed', { reason: 'carrier_unavailable', details: { ...details, retries: retry - 1 } });
    return 'done';
  }
  const batch = p.carrierTimeout === 'batch';
  await deps.queue.add<VerifyJobData>(batch ? VERIFY_BATCH_JOB : VERIFY_JOB, { orderId: order.id, round: job.round ?? 0, retry }, {
    jobId: `verify:${order.id}:${batch ? 'b' : 'q'}${retry}`,
    delayMs: batch ? p.batchDelayMs : p.requeueDelayMs,
  });
  await move(deps, order.id, 'verifying', { reason: batch ? 'carrier_batch_scheduled' : 'carrier_requeued', details: { ...details, retry } });
  return 'done';
}
