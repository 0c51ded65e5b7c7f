import { z } from 'zod';

/** Cap on the dynamic premium: whatever heat and volatility say, never pay more than +8%. */
export const DYNAMIC_PREMIUM_CAP = 0.08;

/**
 * A merchant's pricing policy (stored in merchant settings JSON). Rates are fractions:
 * `premium: 0.01` is +1% on the forecast market price.
 */
export const pricingPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('market'), premium: z.number().min(-0.5).max(0.5) }),
  z.object({
    kind: z.literal('dynamic'),
    base: z.number().min(-0.5).max(DYNAMIC_PREMIUM_CAP),
    /** Premium added per unit of heat below normal (scarce cards → pay more to attract them). */
    heatSensitivity: z.number().min(0).max(1).default(0.02),
    /** Premium removed at volatility index 100 (scaled linearly). */
    volatilitySensitivity: z.number().min(0).max(1).default(0.01),
  }),
  z.object({ kind: z.literal('fixed_discount'), discount: z.number().min(0).max(1) }),
]);
export type PricingPolicy = z.infer<typeof pricingPolicySchema>;
export type PricingPolicyInput = z.input<typeof pricingPolicySchema>;

export const DEFAULT_POLICY: PricingPolicy = { kind: 'market', premium: 0 };

export interface MarketSignal {
  rate: number; // forecast market rate (price / face value)
  volatilityIndex: number; // 0..100
  heat: number | null;
}

/** How a policy turns the market rate into the merchant's rate; `premium` is relative to the market. */
export interface PolicyOutcome {
  baseCode: 'market_price' | 'face_value';
  baseRate: number;
  adjustmentCode: 'market_premium' | 'dynamic_premium' | 'fixed_discount';
  /** Fractional change applied to the base: +0.01 = +1%, -0.04 = 4% off. */
  adjustment: number;
}

export function applyPolicy(policy: PricingPolicy, market: MarketSignal): PolicyOutcome {
  switch (policy.kind) {
    case 'market':
      return { baseCode: 'market_price', baseRate: market.rate, adjustmentCode: 'market_premium', adjustment: policy.premium };
    case 'dynamic': {
      const heat = market.heat ?? 1;
      const raw = policy.base + policy.heatSensitivity * (1 - heat) - (policy.volatilitySensitivity * market.volatilityIndex) / 100;
      return { baseCode: 'market_price', baseRate: market.rate, adjustmentCode: 'dynamic_premium', adjustment: Math.min(DYNAMIC_PREMIUM_CAP, Math.max(0, raw)) };
    }
    case 'fixed_discount':
      // A fixed discount off face value: the merchant's own rate, independent of the market.
      return { baseCode: 'face_value', baseRate: 1, adjustmentCode: 'fixed_discount', adjustment: -policy.discount };
  }
}
