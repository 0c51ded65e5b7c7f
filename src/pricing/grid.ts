/**
 * Quotes live on a grid (the fen, or a site's 0.5% steps), and the median of a grid-valued price is
 * a grid point: rounding a point forecast onto the grid through the last price is what MAE rewards,
 * and on sticky quotes it turns "a little lower" into "unchanged" until the model expects a full step.
 */
export const GRID_LOOKBACK = 60;

/** The series' quoting step: its smallest non-zero price change over the last GRID_LOOKBACK days (0 when none). */
export function quoteStep(prices: readonly number[], t: number = prices.length - 1): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = Math.max(1, t - GRID_LOOKBACK + 1); i <= t; i++) {
    const d = Math.abs(prices[i] - prices[i - 1]);
    if (d > 1e-9 && d < step) step = d;
  }
  return Number.isFinite(step) ? step : 0;
}

/** `predicted` moved onto the grid of `step` through `last`. */
export const onGrid = (predicted: number, last: number, step: number): number => (step > 0 ? last + Math.round((predicted - last) / step) * step : predicted);
