import { FEATURES, HORIZON, VOL_LOOKBACK, WINDOW, seriesContext, writeTargets, writeWindow, type SeriesContext } from '../../src/pricing/features.js';
import { holdoutStart } from '../../src/pricing/evaluate.js';
import { headOf, peersOf, type PriceSeries } from '../../src/pricing/series.js';
import { coarsened, randomWalkSeries } from './augment.js';
import type { Rng } from './rng.js';

/** Share of the pre-holdout history (its tail) used for early stopping and interval calibration. */
export const CALIBRATION_FRACTION = 0.15;
/** Shares of training windows built without peers / with another carrier's (unrelated) series as peers. */
export const PEER_DROPOUT = 0.2;
export const FOREIGN_PEERS = 0.15;
/** Structureless random-walk series added to the training windows (see augment.ts). */
export const RANDOM_WALK_SERIES = 4;
/** Share of training windows whose series (and peers) are re-quoted on a coarse grid (sticky prices). */
export const STICKY = 0.25;
const TICKS = [0.001, 0.002, 0.005]; // of face value

export interface WindowSet {
  x: Float32Array; // [n, WINDOW, FEATURES]
  y: Float32Array; // [n, HORIZON]
  n: number;
}

/**
 * Training and calibration windows. Per series: the held-out tail (last 20%) is never touched;
 * of what precedes it, the last 15% is calibration; every window's targets stay inside its part.
 * With `rng`, training windows are augmented so the network does not take the simulated market's
 * structure for granted: some hide the peers, some get unrelated peers, some are re-quoted on a
 * coarse grid (sticky prices), and random walks are added.
 * Calibration windows are always the data as they are.
 */
export function buildWindows(allSeries: readonly PriceSeries[], rng?: Rng): { train: WindowSet; calibration: WindowSet } {
  // Everything is cut at the held-out boundary first (peers included): the eval period stays unseen.
  const visible = allSeries.map((s) => headOf(s, holdoutStart(s.prices.length)));
  const calStarts = visible.map((s) => Math.floor(s.prices.length * (1 - CALIBRATION_FRACTION)));
  const longest = visible.reduce((a, s, i) => (s.prices.length > a.n ? { n: s.prices.length, i } : a), { n: 0, i: 0 });
  const walks = rng && longest.n > 0 ? randomWalkSeries(rng, visible[longest.i].dates.slice(0, calStarts[longest.i]), RANDOM_WALK_SERIES) : [];
  // Every other walk is sticky too.
  const synthetic = walks.map((s, k) => (k % 2 && rng ? coarsened(s, TICKS[Math.floor(rng.next() * TICKS.length)]) : s));

  const carriers = [...new Set(visible.map((s) => s.carrier))];
  // One grid per carrier: a site quotes all its denominations alike.
  const tick = new Map(carriers.map((c) => [c, rng ? TICKS[Math.floor(rng.next() * TICKS.length)] : 0]));
  const sticky = visible.map((s) => coarsened(s, tick.get(s.carrier) ?? TICKS[0]));
  const contexts = (set: readonly PriceSeries[]) => {
    const own = set.map((s) => seriesContext(s.dates, s.prices, peersOf(s, set)));
    const alone = set.map((s) => seriesContext(s.dates, s.prices));
    const foreign = set.map((s, si) => {
      const other = carriers[(carriers.indexOf(s.carrier) + 1) % carriers.length];
      return other === s.carrier ? alone[si] : seriesContext(s.dates, s.prices, set.filter((p) => p.carrier === other));
    });
    return { own, alone, foreign };
  };
  const plain = contexts(visible);
  const coarse = rng ? contexts(sticky) : plain;
  const own = plain.own;
  const pick = (si: number): SeriesContext => {
    if (!rng) return own[si];
    const set = rng.next() < STICKY ? coarse : plain;
    const u = rng.next();
    return u < PEER_DROPOUT ? set.alone[si] : u < PEER_DROPOUT + FOREIGN_PEERS ? set.foreign[si] : set.own[si];
  };

  const train: Array<[SeriesContext, number]> = [];
  const calibration: Array<[SeriesContext, number]> = [];
  visible.forEach((s, si) => {
    for (let t = Math.min(VOL_LOOKBACK, WINDOW); t + HORIZON < calStarts[si]; t++) train.push([pick(si), t]);
    for (let t = calStarts[si]; t + HORIZON < s.prices.length; t++) calibration.push([own[si], t]);
  });
  for (const s of synthetic) {
    const ctx = seriesContext(s.dates, s.prices, peersOf(s, synthetic));
    for (let t = Math.min(VOL_LOOKBACK, WINDOW); t + HORIZON < s.prices.length; t++) train.push([ctx, t]);
  }
  const fill = (items: Array<[SeriesContext, number]>): WindowSet => {
    const x = new Float32Array(items.length * WINDOW * FEATURES);
    const y = new Float32Array(items.length * HORIZON);
    items.forEach(([ctx, t], i) => {
      const sigma = writeWindow(ctx, t, x, i * WINDOW * FEATURES);
      writeTargets(ctx, t, sigma, y, i * HORIZON);
    });
    return { x, y, n: items.length };
  };
  return { train: fill(train), calibration: fill(calibration) };
}
