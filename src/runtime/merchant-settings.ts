import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { pricingPolicySchema } from '../pricing/index.js';
import { RiskSettingsSchema } from '../risk/risk-settings.js';
import { SettlementSettingsSchema } from '../settlement/settings.js';
import { ExceptionPoliciesSchema } from '../verification/exception-policy.js';

/**
 * A merchant's settings document (merchants.settings): one section per domain, each validated by
 * that domain's own schema when written, so readers can trust what they find.
 */
export const MerchantSettingsSchema = z
  .object({
    pricingPolicy: pricingPolicySchema.optional(),
    exceptionPolicies: ExceptionPoliciesSchema.optional(),
    risk: RiskSettingsSchema.optional(),
    settlement: SettlementSettingsSchema.optional(),
  })
  .strict();

export type MerchantSettings = z.infer<typeof MerchantSettingsSchema>;

export function validateMerchantSettings(patch: unknown): MerchantSettings {
  const parsed = MerchantSettingsSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_settings', 400, 'Bad request', { detail: `${issue?.path.join('.') || 'settings'}: ${issue?.message}` });
  }
  return parsed.data;
}
