import { FEATURES, HORIZON, WINDOW, seriesContext, writeWindow, type PeerSeries } from './features.js';
import { onGrid, quoteStep } from './grid.js';
import type { IntervalCalibration } from './model-card.js';
import type { ModelRunner } from './onnx-runner.js';
import type { PriceSeries } from './series.js';

export interface ForecastPoint {
  date: string;
  rate: number; // price / face value
  low: number; // 80% interval, as rates
  high: number;
}

export interface SeriesForecast {
  asOf: string; // last observed date
  lastRate: number;
  points: ForecastPoint[];
}

const DAY = 86_400_000;
const addDays = (iso: string, n: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Forecasts 1..horizon days after the last observation of `series`; `peers` are the other series of
 * its market (see peersOf), only their observations on `series`' own dates are used.
 */
export async function forecastSeries(runner: ModelRunner, intervals: IntervalCalibration, series: PriceSeries, horizon: number, peers: readonly PeerSeries[] = []): Promise<SeriesForecast> {
  if (horizon < 1 || horizon > HORIZON) throw new RangeError(`horizon must be 1..${HORIZON}`);
  const t = series.prices.length - 1;
  const from = Math.max(0, t - WINDOW - 40);
  const ctx = seriesContext(series.dates.slice(from), series.prices.slice(from), peers);
  const window = new Float32Array(WINDOW * FEATURES);
  const sigma = writeWindow(ctx, ctx.logPrices.length - 1, window);
  const z = await runner.predict(window, 1);
  const last = series.prices[t];
  const face = series.denomination;
  const step = quoteStep(series.prices, t);
  const points: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    const at = (q: number): number => round6((last * Math.exp(sigma * (z[h - 1] + q))) / face);
    const rate = round6(onGrid(last * Math.exp(sigma * z[h - 1]), last, step) / face);
    points.push({ date: addDays(series.dates[t], h), rate, low: Math.min(rate, at(intervals.low[h - 1])), high: Math.max(rate, at(intervals.high[h - 1])) });
  }
  return { asOf: series.dates[t], lastRate: round6(last / face), points };
}
