import { z } from 'zod';

/**
 * Per-merchant risk settings (stored by the lead in `merchants.settings.risk`). Amounts in fen,
 * confidences as fractions. A limit of 0 disables that rule.
 */
export const RiskSettingsSchema = z.object({
  merchantDailyLimitFen: z.number().int().min(0).default(50_000_000), // ¥500,000
  sellerDailyLimitFen: z.number().int().min(0).default(500_000), // ¥5,000
  velocity: z
    .object({
      windowMs: z.number().int().min(1_000).max(86_400_000).default(3_600_000),
      perSeller: z.number().int().min(0).default(30),
      perIp: z.number().int().min(0).default(60),
      perDevice: z.number().int().min(0).default(30),
    })
    .prefault({}),
  minRecognitionConfidence: z.number().min(0).max(1).default(0.9),
  /** What a breached daily limit does. */
  limitAction: z.enum(['reject', 'review']).default('reject'),
  /** What exceeding a velocity limit does. */
  velocityAction: z.enum(['reject', 'review']).default('review'),
});

export type RiskSettings = z.infer<typeof RiskSettingsSchema>;

export const DEFAULT_RISK_SETTINGS: RiskSettings = RiskSettingsSchema.parse({});
