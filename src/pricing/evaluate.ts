import { BASELINES, type BaselineName } from './baselines.js';
import { FEATURES, HORIZON, WINDOW, seriesContext, writeWindow } from './features.js';
import { onGrid, quoteStep } from './grid.js';
import { ErrorAccumulator } from './metrics.js';
import type { EvaluationReport, IntervalCalibration } from './model-card.js';
import type { ModelRunner } from './onnx-runner.js';
import { peersOf, type PriceSeries } from './series.js';

/** Share of every series (its chronological tail) held out for evaluation. */
export const HOLDOUT_FRACTION = 0.2;
const BATCH = 512;

/** Index of the first held-out observation: targets from here on are evaluated. */
export const holdoutStart = (n: number): number => n - Math.max(1, Math.floor(n * HOLDOUT_FRACTION));

interface Job {
  series: PriceSeries;
  t: number; // last index the forecaster may see
  h: number; // steps ahead
  sigma: number;
  step: number; // quoting grid at t
}

/**
 * Evaluates on the last 20% of every series: for every held-out target, the model, naive,
 * seasonal naive and EWMA predict it from strictly earlier observations. `maxHorizon > 1` also
 * reports h-step errors and interval coverage per horizon (the headline numbers stay one-step).
 */
export async function evaluateForecaster(
  allSeries: readonly PriceSeries[],
  runner: ModelRunner,
  intervals: IntervalCalibration,
  options: { maxHorizon?: number } = {},
): Promise<EvaluationReport> {
  const maxHorizon = Math.min(HORIZON, Math.max(1, options.maxHorizon ?? HORIZON));
  const model = Array.from({ length: maxHorizon }, () => new ErrorAccumulator());
  const covered = new Array<number>(maxHorizon).fill(0);
  const baselines = Object.fromEntries(Object.keys(BASELINES).map((k) => [k, new ErrorAccumulator()])) as Record<BaselineName, ErrorAccumulator>;

  const windows = new Float32Array(BATCH * WINDOW * FEATURES);
  let jobs: Job[] = [];
  const flush = async (): Promise<void> => {
    if (jobs.length === 0) return;
    const out = await runner.predict(windows, jobs.length);
    jobs.forEach((job, j) => {
      const { series, t, h, sigma } = job;
      const last = series.prices[t];
      const actual = series.prices[t + h];
      const z = out[j * HORIZON + h - 1];
      model[h - 1].add(actual, onGrid(last * Math.exp(sigma * z), last, job.step));
      const low = last * Math.exp(sigma * (z + intervals.low[h - 1]));
      const high = last * Math.exp(sigma * (z + intervals.high[h - 1]));
      if (actual >= low && actual <= high) covered[h - 1]++;
    });
    jobs = [];
  };

  for (const series of allSeries) {
    const n = series.prices.length;
    const start = holdoutStart(n);
    if (start < 1) continue;
    const ctx = seriesContext(series.dates, series.prices, peersOf(series, allSeries));
    for (let target = start; target < n; target++) {
      for (const [name, predict] of Object.entries(BASELINES) as Array<[BaselineName, (p: readonly number[], t: number) => number]>) {
        baselines[name].add(series.prices[target], predict(series.prices, target - 1));
      }
      for (let h = 1; h <= maxHorizon; h++) {
        const t = target - h;
        if (t < 0 || (h > 1 && t < start - 1)) continue; // h-step forecasts issued inside the held-out period only
        const sigma = writeWindow(ctx, t, windows, jobs.length * WINDOW * FEATURES);
        jobs.push({ series, t, h, sigma, step: quoteStep(series.prices, t) });
        if (jobs.length === BATCH) await flush();
      }
    }
  }
  await flush();

  const one = model[0].summary();
  const baselineSummaries = Object.fromEntries(Object.entries(baselines).map(([k, acc]) => [k, acc.summary()])) as EvaluationReport['baselines'];
  const [bestBaseline, best] = Object.entries(baselineSummaries).sort((a, b) => a[1].mae - b[1].mae)[0];
  return {
    n: model[0].count,
    mape: one.mape,
    mae: one.mae,
    baselines: baselineSummaries,
    coverage80: model[0].count ? covered[0] / model[0].count : Number.NaN,
    bestBaseline,
    maeVsBestBaseline: one.mae / best.mae - 1,
    perHorizon: model.map((acc, i) => ({ horizon: i + 1, n: acc.count, mape: acc.summary().mape, coverage80: acc.count ? covered[i] / acc.count : Number.NaN })),
  };
}
