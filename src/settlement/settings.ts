/**
 * Per-merchant settlement settings. The lead stores them in `merchants.settings` under the key
 * `settlement`; parse with `parseSettlementSettings` (missing fields take the defaults).
 */
import { z } from 'zod';

/** Basis points: 100 bps = 1 %. Integers, so fee rates stay exact. */
const Bps = z.number().int().min(0).max(10_000);
const FenAmount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const FeeTierSchema = z.object({
  /** The tier applies once the merchant's volume this month (before the order) reaches this. */
  fromMonthlyVolumeFen: FenAmount,
  rateBps: Bps,
});

export const FeeScheduleSchema = z
  .object({
    /** Percentage of volume charged on each order, below the first tier. */
    rateBps: Bps.default(100),
    tiers: z.array(FeeTierSchema).max(20).default([]),
    /** Minimum fee per order, capped at the order amount. */
    minFeeFen: FenAmount.default(0),
    /** Charged once per calendar year to the merchant's account (not deducted from payouts). */
    annualServiceFeeFen: FenAmount.default(0),
  })
  .refine((s) => s.tiers.every((t, i) => i === 0 || t.fromMonthlyVolumeFen > s.tiers[i - 1]!.fromMonthlyVolumeFen), {
    message: 'tiers must be sorted by strictly increasing fromMonthlyVolumeFen',
    path: ['tiers'],
  });

export const SettlementCycleSchema = z.enum(['T0', 'T1', 'weekly']);

export const PayoutAccountSchema = z.object({
  /** Alipay logon id (email or phone) or user id. */
  identity: z.string().min(1).max(100),
  identityType: z.enum(['ALIPAY_LOGON_ID', 'ALIPAY_USER_ID']).default('ALIPAY_LOGON_ID'),
  name: z.string().min(1).max(100).optional(),
});

export const SettlementSettingsSchema = z.object({
  feeSchedule: FeeScheduleSchema.default({ rateBps: 100, tiers: [], minFeeFen: 0, annualServiceFeeFen: 0 }),
  cycle: SettlementCycleSchema.default('T0'),
  /** Sum of payouts per business day (Asia/Shanghai); 500,000 yuan by default. */
  dailyLimitFen: FenAmount.default(50_000_000),
  /** Where payouts go when the order carries no payout details of its own. */
  payoutAccount: PayoutAccountSchema.optional(),
  /** Webhook endpoint for order status changes when the order has no notifyUrl. */
  webhookUrl: z.string().url().optional(),
});

export type FeeSchedule = z.infer<typeof FeeScheduleSchema>;
export type SettlementCycle = z.infer<typeof SettlementCycleSchema>;
export type PayoutAccount = z.infer<typeof PayoutAccountSchema>;
export type SettlementSettings = z.infer<typeof SettlementSettingsSchema>;

export const DEFAULT_SETTLEMENT_SETTINGS: SettlementSettings = SettlementSettingsSchema.parse({});

export function parseSettlementSettings(raw: unknown): SettlementSettings {
  return SettlementSettingsSchema.parse(raw ?? {});
}
