import { unprocessable } from '../core/errors.js';
import { roundMoney } from '../core/money.js';
import { allocateIntegers } from './allocate.js';
import type { FeeLine } from './fees.js';
import { applyPolicy, type MarketSignal, type PricingPolicy } from './policy.js';

export interface RiskAdjustmentContext {
  carrier: string;
  denomination: number;
  merchantId?: string;
  rate: number; // the merchant's rate after policy, before risk
  volatilityIndex: number;
  heat: number | null;
}

/** Hook for the risk domain: a multiplicative factor on the rate (0.99 = 1% off) with a reason, or nothing. */
export type RiskAdjustment = (ctx: RiskAdjustmentContext) => { factor: number; reason: string } | null | undefined;

export interface BreakdownLine {
  code: string;
  label: string;
  /** Integer fen; the lines add up to priceFen exactly. */
  amountFen: number;
  /** The fraction this line applied, where there is one (premium, discount, risk factor - 1). */
  rate?: number;
}

export interface QuotePricing {
  faceValueFen: number;
  priceFen: number;
  rate: number; // forecast market rate
  effectiveRate: number; // priceFen / faceValueFen
  breakdown: BreakdownLine[];
}

export interface QuoteInput {
  carrier: string;
  denomination: number;
  market: MarketSignal;
  policy: PricingPolicy;
  feeLines?: readonly FeeLine[];
  riskAdjustment?: RiskAdjustment;
  merchantId?: string;
}

const LABELS = {
  market_price: 'Forecast market price',
  face_value: 'Face value',
  market_premium: 'Market premium',
  dynamic_premium: 'Dynamic premium (capped at 8%)',
  fixed_discount: 'Fixed discount',
} as const;

/**
 * Prices one card: base (forecast market rate × face value, or face value for a fixed discount),
 * the policy's adjustment, the risk hook, then fee lines. Everything stays float fen until the
 * single roundMoney() of the total.
 */
export function priceQuote(input: QuoteInput): QuotePricing {
  const faceValueFen = roundMoney(input.denomination, 'yuan');
  const outcome = applyPolicy(input.policy, input.market);
  const parts: Array<{ code: string; label: string; exact: number; rate?: number }> = [];
  const base = outcome.baseRate * faceValueFen;
  parts.push({ code: outcome.baseCode, label: LABELS[outcome.baseCode], exact: base, rate: outcome.baseRate });
  const adjusted = base * (1 + outcome.adjustment);
  parts.push({ code: outcome.adjustmentCode, label: LABELS[outcome.adjustmentCode], exact: adjusted - base, rate: outcome.adjustment });

  let gross = adjusted;
  const risk = input.riskAdjustment?.({
    carrier: input.carrier,
    denomination: input.denomination,
    merchantId: input.merchantId,
    rate: adjusted / faceValueFen,
    volatilityIndex: input.market.volatilityIndex,
    heat: input.market.heat,
  });
  if (risk) {
    if (!Number.isFinite(risk.factor) || risk.factor <= 0 || risk.factor > 1.5) throw new RangeError(`risk factor out of range: ${risk.factor}`);
    gross = adjusted * risk.factor;
    parts.push({ code: 'risk_adjustment', label: `Risk adjustment: ${risk.reason}`, exact: gross - adjusted, rate: risk.factor - 1 });
  }
  let net = gross;
  for (const fee of input.feeLines ?? []) {
    const amount = fee.amountFen({ carrier: input.carrier, denomination: input.denomination, faceValueFen, grossFen: gross, merchantId: input.merchantId });
    if (!Number.isFinite(amount)) throw new RangeError(`fee ${fee.code} returned ${amount}`);
    net -= amount;
    parts.push({ code: fee.code, label: fee.label, exact: -amount });
  }
  if (net < 0) throw unprocessable('quote_not_viable', `fees exceed the price of a ${input.denomination}-yuan ${input.carrier} card`);
  const priceFen = roundMoney(net);
  const amounts = allocateIntegers(parts.map((p) => p.exact), priceFen);
  return {
    faceValueFen,
    priceFen,
    rate: input.market.rate,
    effectiveRate: priceFen / faceValueFen,
    breakdown: parts.map((p, i) => ({ code: p.code, label: p.label, amountFen: amounts[i], ...(p.rate === undefined ? {} : { rate: p.rate }) })),
  };
}
