import { z } from 'zod';

/**
 * Per-merchant exception policies (stored by the lead in `merchants.settings.exceptionPolicies`).
 * - invalidCard: `manual_review` (order → review with code card_invalid) · `second_verification`
 *   (ask the carrier once more, bypassing the cache, after `secondVerificationDelayMs`; still invalid →
 *   rejected) · `dispute` (order → disputed, a dispute item opens).
 * - carrierTimeout (no channel answered): `backoff_retry` (the job fails transiently and the queue
 *   retries with exponential backoff; answers are cached) · `requeue` (a fresh delayed job) ·
 *   `batch` (a delayed low-priority batch job, one at a time). After `maxCarrierRetries` → failed.
 * - denominationMismatch: `compensate` (price at the real face value) · `freeze` (frozen + review
 *   item) · `confirm` (order → review until the seller accepts or refuses the corrected quote).
 */
export const ExceptionPoliciesSchema = z.object({
  invalidCard: z.enum(['manual_review', 'second_verification', 'dispute']).default('manual_review'),
  carrierTimeout: z.enum(['backoff_retry', 'requeue', 'batch']).default('backoff_retry'),
  denominationMismatch: z.enum(['compensate', 'freeze', 'confirm']).default('confirm'),
  secondVerificationDelayMs: z.number().int().min(0).max(86_400_000).default(30_000),
  requeueDelayMs: z.number().int().min(0).max(86_400_000).default(60_000),
  batchDelayMs: z.number().int().min(0).max(86_400_000).default(300_000),
  maxCarrierRetries: z.number().int().min(0).max(100).default(5),
});

export type ExceptionPolicies = z.infer<typeof ExceptionPoliciesSchema>;

export const DEFAULT_EXCEPTION_POLICIES: ExceptionPolicies = ExceptionPoliciesSchema.parse({});
