/**
 * Out-of-sample checks for the served model on data it was never tuned on: another draw of the
 * simulated market, lone series (no peers), sticky quotes (prices on a coarse grid, still for days),
 * and structureless random walks (with unrelated peers and alone), each scored like `eval pricing`
 * (one step ahead on the last 20%).
 * Usage: npx tsx training/pricing/generalisation.ts [--model models/pricing] [--json]
 */
import { join } from 'node:path';
import { readQuotesCsv } from '../../src/pricing/csv.js';
import { evaluateForecaster } from '../../src/pricing/evaluate.js';
import { readModelCard } from '../../src/pricing/model-card.js';
import { loadOnnxRunner } from '../../src/pricing/onnx-runner.js';
import type { PriceSeries } from '../../src/pricing/series.js';
import { coarsened, randomWalkSeries } from './augment.js';
import { createRng } from './rng.js';
import { addDays, simulateMarket } from './simulate.js';

const i = process.argv.indexOf('--model');
const modelDir = i >= 0 ? process.argv[i + 1] : 'models/pricing';
const card = readModelCard(modelDir);
const runner = await loadOnnxRunner(join(modelDir, card.files.onnx));

const fromRows = (rows: ReturnType<typeof simulateMarket>): PriceSeries[] => {
  const map = new Map<string, PriceSeries>();
  for (const r of rows) {
    const key = `${r.carrier}:${r.denomination}`;
    const s = map.get(key) ?? { key, carrier: r.carrier, denomination: r.denomination, dates: [], prices: [] };
    s.dates.push(r.date);
    s.prices.push(r.price);
    map.set(key, s);
  }
  return [...map.values()];
};
const committed = readQuotesCsv('datasets/quotes.csv');
const dates = Array.from({ length: 500 }, (_, d) => addDays('2024-01-01', d));
const walks = randomWalkSeries(createRng(99), dates, 8); // a seed training never uses for walks
const sets: Array<[string, PriceSeries[]]> = [
  ['committed data (the held-out 20%)', committed],
  ['another simulated market (seed 777)', fromRows(simulateMarket({ seed: 777, start: '2023-03-01', days: 640 }))],
  ['lone series (100 yuan only, no peers)', committed.filter((s) => s.denomination === 100)],
  ['committed data quoted in 0.5% steps', committed.map((s) => coarsened(s, 0.005))],
  ['committed data quoted in 0.2% steps', committed.map((s) => coarsened(s, 0.002))],
  ['random walks, unrelated peers', walks],
  ['random walks, alone', walks.map((s, k) => ({ ...s, carrier: `rw${k}` }))],
  ['random walks quoted in 0.5% steps', walks.map((s) => coarsened(s, 0.005))],
];
const results = [];
for (const [name, series] of sets) {
  const r = await evaluateForecaster(series, runner, card.intervals, { maxHorizon: 1 });
  const vs = Object.fromEntries(Object.entries(r.baselines).map(([k, v]) => [k, r.mae / v.mae - 1]));
  results.push({ name, series: series.length, n: r.n, mape: r.mape, mae: r.mae, maeVsBaselines: vs, maeVsBestBaseline: r.maeVsBestBaseline, bestBaseline: r.bestBaseline, coverage80: r.coverage80 });
}
await runner.release();
if (process.argv.includes('--json')) console.log(JSON.stringify({ modelVersion: card.version, results }));
else {
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  console.log(`${card.version}: one-step MAE vs baselines (negative = better), 80% coverage`);
  for (const r of results) console.log(`${r.name.padEnd(40)} n ${String(r.n).padStart(5)}  MAPE ${(r.mape * 100).toFixed(3)}%  vs naive ${pct(r.maeVsBaselines.naive)}  vs EWMA ${pct(r.maeVsBaselines.ewma)}  vs seasonal ${pct(r.maeVsBaselines.seasonalNaive)}  coverage ${r.coverage80.toFixed(3)}`);
}
