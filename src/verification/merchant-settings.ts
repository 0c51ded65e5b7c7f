import { z } from 'zod';
import { RiskSettingsSchema } from '../risk/risk-settings.js';
import { ExceptionPoliciesSchema } from './exception-policy.js';

/**
 * The part of a merchant's settings (merchants.settings JSON) the verification pipeline reads.
 * Other keys are ignored, missing ones take defaults, so `{}` is a valid settings document.
 */
export const PipelineSettingsSchema = z.object({
  exceptionPolicies: ExceptionPoliciesSchema.prefault({}),
  risk: RiskSettingsSchema.prefault({}),
});

export type PipelineSettings = z.infer<typeof PipelineSettingsSchema>;

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = PipelineSettingsSchema.parse({});

/** Parses stored settings; a broken document falls back to the defaults for the broken part only. */
export function parsePipelineSettings(raw: unknown): PipelineSettings {
  const doc = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const policies = ExceptionPoliciesSchema.safeParse(doc.exceptionPolicies ?? {});
  const risk = RiskSettingsSchema.safeParse(doc.risk ?? {});
  return {
    exceptionPolicies: policies.success ? policies.data : DEFAULT_PIPELINE_SETTINGS.exceptionPolicies,
    risk: risk.success ? risk.data : DEFAULT_PIPELINE_SETTINGS.risk,
  };
}
