/**
 * Window features shared by training and serving (one definition, so they cannot drift apart).
 * Everything is normalised per series and per window: log-ratios divided by the series' recent
 * volatility, so any positive-valued series (any price level, any volatility) looks alike to the
 * model. Targets are future log-ratios to the last observation in the same units.
 */
export const WINDOW = 28;
/** Per time step, in this order (writeWindow). */
export const FEATURE_NAMES = [
  'level', 'return', 'vsMean7', 'dowSin', 'dowCos', 'toMonthEnd', 'dayOfMonth', 'absReturn7', 'sameWeekdayReturn', 'inverseVol',
  'peerReturn', 'peerLevel', 'hasPeers', 'peerCorrelation', 'autocorrelation', 'unchangedShare',
] as const;
export const FEATURES = FEATURE_NAMES.length;
/** Weeks of history averaged into the same-weekday seasonal return feature. */
export const SEASONAL_WEEKS = 4;
/** Reference move (log units) for the inverse-volatility feature: calendar effects are fixed in
 * log space but not in sigma units, so the network needs the scale to apply them. */
const REFERENCE_MOVE = 0.002;
export const HORIZON = 7;
export const VOL_LOOKBACK = 30;
/** Days behind the co-movement statistics (peer correlation, return autocorrelation). */
export const STATS_LOOKBACK = 60;
/** Volatility floor (log-return units): a flat series must not divide by zero. */
export const MIN_SIGMA = 1e-4;
const CLIP = 8;

export interface SeriesContext {
  logPrices: Float64Array;
  returns: Float64Array; // returns[i] = log p_i - log p_{i-1}; returns[0] = 0
  dow: Uint8Array; // Monday = 0
  dom: Uint8Array;
  dim: Uint8Array;
  /** Mean log-return of the peer series into day i (0 where no peer has both days). */
  peerReturns: Float64Array;
  /** Running sum of peerReturns: the peers' common path in log units. */
  peerLevel: Float64Array;
  hasPeers: Uint8Array; // 1 where at least one peer has day i and the day before
}

/** Another series of the same market (e.g. the same carrier's other denominations). */
export interface PeerSeries {
  dates: readonly string[];
  prices: readonly number[];
}

const clip = (x: number): number => (x > CLIP ? CLIP : x < -CLIP ? -CLIP : x);

/** First index i with sorted[i] >= x. */
function lowerBound(sorted: readonly string[], x: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Peers' mean log-return on this series' own dates. Peers move together with the series when the
 * market moves (carrier-wide policy, promotions, shocks) but not with its own noise, so the
 * network can tell a market move (persistent) from a series' own noise (reverts). Only peer
 * observations on this series' dates are used, so nothing newer than its last day leaks in.
 */
function peerPath(dates: readonly string[], peers: readonly PeerSeries[]): { returns: Float64Array; level: Float64Array; has: Uint8Array } {
  const n = dates.length;
  const sum = new Float64Array(n);
  const count = new Uint16Array(n);
  for (const p of peers) {
    if (p.dates.length < 2 || n < 2) continue;
    let j = lowerBound(p.dates, dates[0]);
    let prevLog = Number.NaN; // peer log price on dates[i-1], NaN when the peer lacks that day
    for (let i = 0; i < n; i++) {
      while (j < p.dates.length && p.dates[j] < dates[i]) j++;
      const here = j < p.dates.length && p.dates[j] === dates[i] && p.prices[j] > 0 ? Math.log(p.prices[j]) : Number.NaN;
      if (i > 0 && !Number.isNaN(here) && !Number.isNaN(prevLog)) {
        sum[i] += here - prevLog;
        count[i]++;
      }
      prevLog = here;
    }
  }
  const returns = new Float64Array(n);
  const level = new Float64Array(n);
  const has = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (count[i]) {
      returns[i] = sum[i] / count[i];
      has[i] = 1;
    }
    level[i] = (i > 0 ? level[i - 1] : 0) + returns[i];
  }
  return { returns, level, has };
}

export function seriesContext(dates: readonly string[], prices: readonly number[], peers: readonly PeerSeries[] = []): SeriesContext {
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
  const peer = peerPath(dates, peers);
  return { logPrices, returns, dow, dom, dim, peerReturns: peer.returns, peerLevel: peer.level, hasPeers: peer.has };
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

function correlation(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  if (n < 10) return 0; // too few pairs to say anything
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i];
    sb += b[i];
    saa += a[i] * a[i];
    sbb += b[i] * b[i];
    sab += a[i] * b[i];
  }
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  return va > 1e-18 && vb > 1e-18 ? (sab - (sa * sb) / n) / Math.sqrt(va * vb) : 0;
}

/**
 * How much structure the series has had lately, so the network can tell when to lean on it:
 * the correlation of its returns with its peers' (~0 when the peers are unrelated) and the lag-1
 * autocorrelation of its own returns (negative when noise reverts, ~0 for a random walk).
 */
export function structureStats(ctx: SeriesContext, t: number): { peerCorrelation: number; autocorrelation: number; unchangedShare: number } {
  const from = Math.max(2, t - STATS_LOOKBACK + 1);
  const own: number[] = [];
  const peer: number[] = [];
  const prev: number[] = [];
  const cur: number[] = [];
  for (let i = from; i <= t; i++) {
    prev.push(ctx.returns[i - 1]);
    cur.push(ctx.returns[i]);
    if (ctx.hasPeers[i]) {
      own.push(ctx.returns[i]);
      peer.push(ctx.peerReturns[i]);
    }
  }
  // Share of days without any price change over the volatility lookback: sticky quotes (a price
  // that sits still for days) make "unchanged" the median next move, which is what MAE rewards.
  let unchanged = 0;
  const recent = Math.max(1, t - VOL_LOOKBACK + 1);
  for (let i = recent; i <= t; i++) if (ctx.returns[i] === 0) unchanged++;
  const unchangedShare = t >= recent ? unchanged / (t - recent + 1) : 0;
  return { peerCorrelation: correlation(own, peer, own.length), autocorrelation: correlation(prev, cur, cur.length), unchangedShare };
}

/**
 * Writes the WINDOW×FEATURES window ending at index t into `out` at `offset` and returns the
 * normalising sigma. Indices before the series start repeat its first observation.
 */
export function writeWindow(ctx: SeriesContext, t: number, out: Float32Array, offset = 0): number {
  const sigma = rollingSigma(ctx, t);
  const last = ctx.logPrices[t];
  const stats = structureStats(ctx, t);
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
    const peerOk = t - k >= 1 && ctx.hasPeers[s] === 1;
    out[o++] = peerOk ? clip(ctx.peerReturns[s] / sigma) : 0;
    out[o++] = clip((ctx.peerLevel[s] - ctx.peerLevel[t]) / sigma);
    out[o++] = peerOk ? 1 : 0;
    out[o++] = stats.peerCorrelation;
    out[o++] = stats.autocorrelation;
    out[o++] = stats.unchangedShare;
  }
  return sigma;
}

/** Training targets for the window ending at t: log(p_{t+h}/p_t)/sigma for h = 1..HORIZON. */
export function writeTargets(ctx: SeriesContext, t: number, sigma: number, out: Float32Array, offset = 0): void {
  for (let h = 1; h <= HORIZON; h++) out[offset + h - 1] = clip((ctx.logPrices[t + h] - ctx.logPrices[t]) / sigma);
}
