/**
 * Fee lines deducted from a quote. Pluggable: the settlement domain supplies the real schedules;
 * amounts are float fen here and only the quote total is rounded (core/money.ts).
 */
export interface FeeContext {
  carrier: string;
  denomination: number;
  faceValueFen: number;
  /** Price before fees, in (float) fen. */
  grossFen: number;
  merchantId?: string;
}

export interface FeeLine {
  code: string; // snake_case, shows up in the breakdown
  label: string;
  /** Amount deducted, in float fen (negative = a rebate). */
  amountFen(ctx: FeeContext): number;
}

/** A percentage of the gross price (or of face value). */
export function percentFee(code: string, label: string, fraction: number, of: 'gross' | 'face' = 'gross'): FeeLine {
  if (!Number.isFinite(fraction)) throw new RangeError(`fee ${code}: fraction must be finite`);
  return { code, label, amountFen: (c) => fraction * (of === 'gross' ? c.grossFen : c.faceValueFen) };
}

/** A flat amount per card, in integer fen. */
export function fixedFee(code: string, label: string, fen: number): FeeLine {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fee ${code}: fixed fee must be integer fen`);
  return { code, label, amountFen: () => fen };
}
