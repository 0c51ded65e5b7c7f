import type { SeriesContext } from './features.js';

/** Predictive fields carried by forecasts and quotes. */
export const VOL_WINDOW = 20;
const VOL_HISTORY = 365;

function sigmaAt(returns: Float64Array, t: number, w: number): number {
  const from = Math.max(1, t - w + 1);
  const n = t - from + 1;
  if (n < 2) return 0;
  let s = 0;
  let q = 0;
  for (let i = from; i <= t; i++) {
    s += returns[i];
    q += returns[i] * returns[i];
  }
  const m = s / n;
  return Math.sqrt(Math.max(0, q / n - m * m));
}

/**
 * Volatility index 0-100: where today's 20-day volatility of log-returns ranks among this series'
 * own 20-day volatilities over the past year (50 = a typical day, 100 = the most turbulent).
 * A ranking rather than a fixed scale, so it means the same for a sticky 10-yuan card and a 500.
 */
export function volatilityIndex(ctx: SeriesContext, t: number = ctx.returns.length - 1): number {
  if (t < VOL_WINDOW) return 50;
  const now = sigmaAt(ctx.returns, t, VOL_WINDOW);
  let below = 0;
  let equal = 0;
  let n = 0;
  for (let i = Math.max(VOL_WINDOW, t - VOL_HISTORY + 1); i <= t; i++, n++) {
    const s = sigmaAt(ctx.returns, i, VOL_WINDOW);
    if (s < now) below++;
    else if (s === now) equal++;
  }
  return Math.round((100 * (below + 0.5 * equal)) / n);
}

/**
 * Circulation heat: traded volume over the last 7 days relative to its baseline (median of the
 * 7-day averages over the previous 90 days). 1 = normal, 1.5 = half again as many cards as usual.
 * Undefined without volume data.
 */
export function circulationHeat(volumes: readonly number[] | undefined): number | null {
  if (!volumes || volumes.length < 14) return null;
  const mean7 = (end: number): number => {
    let s = 0;
    for (let i = end - 6; i <= end; i++) s += volumes[i];
    return s / 7;
  };
  const t = volumes.length - 1;
  const base: number[] = [];
  for (let end = Math.max(6, t - 90); end < t - 6; end++) base.push(mean7(end));
  if (base.length === 0) return null;
  base.sort((a, b) => a - b);
  const median = base[Math.floor(base.length / 2)];
  return median > 0 ? Math.round((mean7(t) / median) * 1000) / 1000 : null;
}
