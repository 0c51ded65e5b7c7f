/**
 * Fee calculation: pure functions from a schedule and an amount to fee lines, used both for the
 * quote breakdown (pricing's `feeLines` hook) and for the settlement postings, so the two agree.
 */
import { roundMoney, assertFen, type Fen } from '../core/money.js';
import type { FeeSchedule } from './settings.js';
import type { FeeLine as PricingFeeLine } from '../pricing/fees.js';

export interface FeeLine {
  code: 'volume_fee';
  label: string;
  /** The fee, a positive amount deducted from the seller's payout. */
  amountFen: Fen;
  rateBps: number;
}

/** The rate of the highest tier reached by this month's volume before the order. */
export function applicableRateBps(schedule: FeeSchedule, monthlyVolumeFen: Fen): number {
  let rate = schedule.rateBps;
  for (const tier of schedule.tiers) if (monthlyVolumeFen >= tier.fromMonthlyVolumeFen) rate = tier.rateBps;
  return rate;
}

/** Fee lines for one order of `grossFen`; the fee never exceeds the amount. */
export function computeFeeLines(schedule: FeeSchedule, grossFen: Fen, monthlyVolumeFen: Fen = 0): FeeLine[] {
  assertFen(grossFen, 'gross amount');
  if (grossFen <= 0) return [];
  const rateBps = applicableRateBps(schedule, monthlyVolumeFen);
  const proportional = roundMoney((grossFen * rateBps) / 10_000);
  const fee = Math.min(grossFen, Math.max(proportional, schedule.minFeeFen));
  if (fee === 0) return [];
  return [{ code: 'volume_fee', label: `service fee ${(rateBps / 100).toFixed(2)}%`, amountFen: fee, rateBps }];
}

export const totalFee = (lines: FeeLine[]): Fen => lines.reduce((s, l) => s + l.amountFen, 0);

/**
 * The fee contained in a quote. Pricing deducts the fee lines from the gross price, so the quote
 * (what the seller is paid) is net: we recover the gross g with g − fee(g) = net, to the fen.
 */
export function feeIncludedIn(schedule: FeeSchedule, netFen: Fen, monthlyVolumeFen: Fen = 0): Fen {
  assertFen(netFen, 'net amount');
  if (netFen <= 0) return 0;
  const rateBps = Math.min(applicableRateBps(schedule, monthlyVolumeFen), 9_999);
  return Math.max(roundMoney((netFen * rateBps) / (10_000 - rateBps)), schedule.minFeeFen);
}

export interface FeeTerms {
  schedule: FeeSchedule;
  monthlyVolumeFen: Fen;
}

/**
 * Pricing's fee-line shape (src/pricing/fees.ts): synchronous and in float fen, since pricing rounds
 * the quote total once. `lookup` answers from a cache the settlement facade keeps warm.
 */
export function pricingFeeLine(lookup: (merchantId: string | undefined) => FeeTerms): PricingFeeLine {
  return {
    code: 'service_fee',
    label: 'Service fee',
    amountFen: (ctx) => {
      const { schedule, monthlyVolumeFen } = lookup(ctx.merchantId);
      if (ctx.grossFen <= 0) return 0;
      const rateBps = applicableRateBps(schedule, monthlyVolumeFen);
      return Math.min(ctx.grossFen, Math.max((ctx.grossFen * rateBps) / 10_000, schedule.minFeeFen));
    },
  };
}
