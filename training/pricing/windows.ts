import { FEATURES, HORIZON, VOL_LOOKBACK, WINDOW, seriesContext, writeTargets, writeWindow } from '../../src/pricing/features.js';
import { holdoutStart } from '../../src/pricing/evaluate.js';
import type { PriceSeries } from '../../src/pricing/series.js';

/** Share of the pre-holdout history (its tail) used for early stopping and interval calibration. */
export const CALIBRATION_FRACTION = 0.15;

export interface WindowSet {
  x: Float32Array; // [n, WINDOW, FEATURES]
  y: Float32Array; // [n, HORIZON]
  n: number;
}

/**
 * Training and calibration windows. Per series: the held-out tail (last 20%) is never touched;
 * of what precedes it, the last 15% is calibration; every window's targets stay inside its part.
 */
export function buildWindows(allSeries: readonly PriceSeries[]): { train: WindowSet; calibration: WindowSet } {
  const trainIdx: Array<[number, number]> = [];
  const calIdx: Array<[number, number]> = [];
  allSeries.forEach((s, si) => {
    const available = holdoutStart(s.prices.length); // indices < available may be used
    const calStart = Math.floor(available * (1 - CALIBRATION_FRACTION));
    for (let t = Math.min(VOL_LOOKBACK, WINDOW); t + HORIZON < calStart; t++) trainIdx.push([si, t]);
    for (let t = calStart; t + HORIZON < available; t++) calIdx.push([si, t]);
  });
  const contexts = allSeries.map((s) => seriesContext(s.dates, s.prices));
  const fill = (idx: Array<[number, number]>): WindowSet => {
    const x = new Float32Array(idx.length * WINDOW * FEATURES);
    const y = new Float32Array(idx.length * HORIZON);
    idx.forEach(([si, t], i) => {
      const sigma = writeWindow(contexts[si], t, x, i * WINDOW * FEATURES);
      writeTargets(contexts[si], t, sigma, y, i * HORIZON);
    });
    return { x, y, n: idx.length };
  };
  return { train: fill(trainIdx), calibration: fill(calIdx) };
}
