/**
 * Money is integer fen (DESIGN convention 1). Rates and model outputs are floats and become money
 * exactly once, here: half away from zero, to the fen.
 */
export type Fen = number;

export function roundMoney(yuanOrFen: number, unit: 'yuan' | 'fen' = 'fen'): Fen {
  const fen = unit === 'yuan' ? yuanOrFen * 100 : yuanOrFen;
  if (!Number.isFinite(fen)) throw new RangeError(`cannot round a non-finite amount: ${fen}`);
  const rounded = Math.sign(fen) * Math.round(Math.abs(fen) + 1e-9);
  if (!Number.isSafeInteger(rounded)) throw new RangeError(`amount out of range: ${fen}`);
  return rounded === 0 ? 0 : rounded;
}

export const yuanToFen = (yuan: number): Fen => roundMoney(yuan, 'yuan');

export function assertFen(value: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer number of fen, got ${value}`);
  return value;
}
