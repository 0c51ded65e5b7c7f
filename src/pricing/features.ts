/**
 * Window features shared by training and serving (one definition, so they cannot drift apart).
 * Everything is normalised per series and per window: log-ratios divided by the series' recent
 * volatility, so any positive-valued series (any price level, any volatility) looks alike to the
 * model. Targets are future log-ratios to the last observation in the same units.
 */
export const WINDOW = 28;
export const FEATURES = 10;
/** Weeks of history averaged into the same-weekday seasonal return feature. */
export const SEASONAL_WEEKS = 4;
/** Reference move (log units) for the inverse-volatility feature: calendar effects are fixed in
 * log space but not in sigma units, so the network needs the scale to apply them. */
const REFERENCE_MOVE = 0.002;
export const HORIZON = 7;
export const VOL_LOOKBACK = 30;
/** Volatility floor (log-return units): a flat series must not divide by zero. */
export const MIN_SIGMA = 1e-4;
const CLIP = 8;

export interface SeriesContext {
  logPrices: Float64Array;
  returns: Float64Array; // returns[i] = log p_i - log p_{i-1}; returns[0] = 0
  dow: Uint8Array; // Monday = 0
  dom: Uint8Array;
  dim: Uint8Array;
}

const clip = (x: number): number => (x > CLIP ? CLIP : x < -CLIP ? -CLIP : x);

export function seriesContext(dates: readonly string[], prices: readonly number[]): SeriesContext {
  const n = prices.length;
  const logPrices = new Float64Array(n);
  const returns = new Float64Array(n);
  const dow = new Uint8Array(n);
  const dom = new Uint8Array(n);
  const dim = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    logPrices[i] = Math.log(prices[i]);
    if (i > 0) returns[i] = logPrices[i] - logPrices[i - 1];
    const y = Number(dates[i].slice(0, 4));
    const m = Number(dates[i].slice(5, 7));
    const d = Number(dates[i].slice(8, 10));
    dow[i] = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
    dom[i] = d;
    dim[i] = new Date(Date.UTC(y, m, 0)).getUTCDate();
  }
  return { logPrices, returns, dow, dom, dim };
}

/** Standard deviation of the `lookback` log-returns ending at index t (fewer at the start), floored. */
export function rollingSigma(ctx: SeriesContext, t: number, lookback = VOL_LOOKBACK): number {
  const from = Math.max(1, t - lookback + 1);
  const n = t - from + 1;
  if (n < 2) return MIN_SIGMA;
  let sum = 0;
  let sq = 0;
  for (let i = from; i <= t; i++) {
    sum += ctx.returns[i];
    sq += ctx.returns[i] * ctx.returns[i];
  }
  const mean = sum / n;
  const v = Math.max(0, sq / n - mean * mean) * (n / (n - 1));
  return Math.max(MIN_SIGMA, Math.sqrt(v));
}

/**
 * Writes the WINDOW×FEATURES window ending at index t into `out` at `offset` and returns the
 * normalising sigma. Indices before the series start repeat its first observation.
 */
export function writeWindow(ctx: SeriesContext, t: number, out: Float32Array, offset = 0): number {
  const sigma = rollingSigma(ctx, t);
  const last = ctx.logPrices[t];
  let o = offset;
  for (let k = WINDOW - 1; k >= 0; k--) {
    const s = Math.max(0, t - k);
    let mean7 = 0;
    let absRet7 = 0;
    let m = 0;
    for (let j = Math.max(0, s - 6); j <= s; j++, m++) {
      mean7 += ctx.logPrices[j];
      absRet7 += Math.abs(ctx.returns[j]);
    }
    mean7 /= m;
    absRet7 /= m;
    const ret = t - k >= 1 ? ctx.returns[s] : 0;
    out[o++] = clip((ctx.logPrices[s] - last) / sigma);
    out[o++] = clip(ret / sigma);
    out[o++] = clip((ctx.logPrices[s] - mean7) / sigma);
    out[o++] = Math.sin((2 * Math.PI * ctx.dow[s]) / 7);
    out[o++] = Math.cos((2 * Math.PI * ctx.dow[s]) / 7);
    out[o++] = Math.min(ctx.dim[s] - ctx.dom[s], 10) / 10;
    out[o++] = ctx.dom[s] / 31;
    out[o++] = clip(absRet7 / sigma) / 4;
    // Average return into the day after s, from the same weekday transition in previous weeks.
    let seasonal = 0;
    let c = 0;
    for (let w = 1; w <= SEASONAL_WEEKS; w++) {
      const j = s + 1 - 7 * w;
      if (j >= 1 && t - k - 7 * w + 1 >= 1) {
        seasonal += ctx.returns[j];
        c++;
      }
    }
    out[o++] = c ? clip(seasonal / c / sigma) : 0;
    out[o++] = clip(REFERENCE_MOVE / sigma) / 4;
  }
  return sigma;
}

/** Training targets for the window ending at t: log(p_{t+h}/p_t)/sigma for h = 1..HORIZON. */
export function writeTargets(ctx: SeriesContext, t: number, sigma: number, out: Float32Array, offset = 0): void {
  for (let h = 1; h <= HORIZON; h++) out[offset + h - 1] = clip((ctx.logPrices[t + h] - ctx.logPrices[t]) / sigma);
}
