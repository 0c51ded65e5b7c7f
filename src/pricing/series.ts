/** One price series: a (carrier, denomination) pair with strictly increasing dates. */
export interface PriceSeries {
  key: string; // `${carrier}:${denomination}`
  carrier: string;
  denomination: number; // face value in yuan
  dates: string[]; // ISO yyyy-mm-dd, ascending
  prices: number[]; // observed buy-back price in yuan, > 0
}

export interface VolumeSeries {
  key: string;
  dates: string[];
  volumes: number[];
}

/** The face-value ratio of a price, which is what the forecaster and quotes talk about. */
export const rateOf = (series: Pick<PriceSeries, 'denomination'>, price: number): number => price / series.denomination;

/** A series truncated to its first `n` observations (what an evaluator may look at). */
export const headOf = (s: PriceSeries, n: number): PriceSeries => ({ ...s, dates: s.dates.slice(0, n), prices: s.prices.slice(0, n) });

/**
 * The series that share `s`'s market: the same carrier's other denominations. Their common moves
 * are market news; what `s` does alone is mostly its own noise.
 */
export const peersOf = (s: Pick<PriceSeries, 'key' | 'carrier'>, all: Iterable<PriceSeries>): PriceSeries[] => {
  const out: PriceSeries[] = [];
  for (const p of all) if (p.carrier === s.carrier && p.key !== s.key) out.push(p);
  return out;
};
