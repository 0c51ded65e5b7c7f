/**
 * Pricing notebook: loads the quotes, plots the series, the held-out one-step forecasts against
 * actuals and baselines, interval coverage and circulation heat; writes
 * notebooks/pricing-report.html (self-contained, inline SVG), notebooks/pricing-figures/*.svg and
 * notebooks/pricing.ipynb (Jupyter, one cell per `// N.` section below, figures embedded).
 * Run: npx tsx notebooks/pricing-report.ts [--data datasets/quotes.csv] [--model models/pricing]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pl from 'nodejs-polars';
import sharp from 'sharp';
import { ewma, naive } from '../src/pricing/baselines.js';
import { readQuotesCsv, readVolumesCsv } from '../src/pricing/csv.js';
import { evaluateForecaster, holdoutStart } from '../src/pricing/evaluate.js';
import { FEATURES, HORIZON, WINDOW, seriesContext, writeWindow } from '../src/pricing/features.js';
import { onGrid, quoteStep } from '../src/pricing/grid.js';
import { readModelCard } from '../src/pricing/model-card.js';
import { loadOnnxRunner } from '../src/pricing/onnx-runner.js';
import { peersOf } from '../src/pricing/series.js';
import { buildNotebook, splitSections, type CellOutput } from './ipynb.js';
import { barChart, lineChart } from './pricing-svg.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const dataPath = arg('data', 'datasets/quotes.csv');
const modelDir = arg('model', 'models/pricing');
const figures: Array<{ section: number; name: string; caption: string; svg: string }> = [];
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

// 1. Load with polars and summarise per series.
const df = pl.readCSV(dataPath).withColumns(pl.col('price').div(pl.col('denomination')).alias('rate'));
const summary = df
  .groupBy(['carrier', 'denomination'])
  .agg(pl.col('rate').mean().alias('mean_rate'), pl.col('rate').std().alias('std_rate'), pl.col('rate').min().alias('min_rate'), pl.col('rate').max().alias('max_rate'), pl.col('date').count().alias('days'))
  .sort(['carrier', 'denomination']);
const series = readQuotesCsv(dataPath);
const volumes = new Map(readVolumesCsv(dataPath.replace(/quotes\.csv$/, 'volumes.csv')).map((v) => [v.key, v]));

// 2. Every series as rates, one chart per carrier.
for (const carrier of [...new Set(series.map((s) => s.carrier))]) {
  const group = series.filter((s) => s.carrier === carrier).sort((a, b) => a.denomination - b.denomination);
  figures.push({
    section: 2,
    name: `series-${carrier}`,
    caption: `${carrier}: buy-back rate (price / face value) per denomination`,
    svg: lineChart({ title: `${carrier} buy-back rates`, x: group[0].dates, lines: group.map((s, i) => ({ label: `${s.denomination} yuan`, color: COLORS[i % COLORS.length], values: s.prices.map((p) => p / s.denomination), width: 0.8 })) }),
  });
}

// 3. Held-out one-step forecasts vs actuals and baselines for two series.
const card = readModelCard(modelDir);
const runner = await loadOnnxRunner(join(modelDir, card.files.onnx));
for (const key of ['cmcc:100', 'ctcc:500', 'cucc:10']) {
  const s = series.find((x) => x.key === key);
  if (!s) continue;
  const start = holdoutStart(s.prices.length);
  const ctx = seriesContext(s.dates, s.prices, peersOf(s, series));
  const n = s.prices.length - start;
  const x = new Float32Array(n * WINDOW * FEATURES);
  const sigmas: number[] = [];
  for (let i = 0; i < n; i++) sigmas.push(writeWindow(ctx, start + i - 1, x, i * WINDOW * FEATURES));
  const z = await runner.predict(x, n);
  const model: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < n; i++) {
    const last = s.prices[start + i - 1];
    const at = (q: number) => (last * Math.exp(sigmas[i] * (z[i * HORIZON] + q))) / s.denomination;
    model.push(onGrid(last * Math.exp(sigmas[i] * z[i * HORIZON]), last, quoteStep(s.prices, start + i - 1)) / s.denomination); // as served
    low.push(at(card.intervals.low[0]));
    high.push(at(card.intervals.high[0]));
  }
  const idx = Array.from({ length: n }, (_, i) => start + i);
  figures.push({
    section: 3,
    name: `holdout-${key.replace(':', '-')}`,
    caption: `${key}: held-out period, one-step-ahead forecasts (each from earlier data only) against actuals and baselines, with the 80% interval`,
    svg: lineChart({
      title: `${key} held-out one-step forecasts`,
      x: idx.map((i) => s.dates[i]),
      band: { low, high, color: '#1f77b4', label: '80% interval' },
      lines: [
        { label: 'actual', color: '#000', values: idx.map((i) => s.prices[i] / s.denomination), width: 1.6 },
        { label: 'LSTM', color: '#1f77b4', values: model },
        { label: 'naive', color: '#d62728', values: idx.map((i) => naive(s.prices, i - 1) / s.denomination), dash: '4 3' },
        { label: 'EWMA', color: '#2ca02c', values: idx.map((i) => ewma(s.prices, i - 1) / s.denomination), dash: '2 2' },
      ],
    }),
  });
}

// 4. Scores on the whole held-out period.
const report = await evaluateForecaster(series, runner, card.intervals);
await runner.release();
figures.push({
  section: 4,
  name: 'mape',
  caption: 'One-step MAPE on the held-out last 20% of every series',
  svg: barChart({ title: 'One-step MAPE (held-out)', format: (v) => `${(v * 100).toFixed(3)}%`, bars: [{ label: 'LSTM', value: report.mape, color: '#1f77b4' }, ...Object.entries(report.baselines).map(([k, v], i) => ({ label: k, value: v.mape, color: COLORS[i + 1] }))] }),
});
figures.push({
  section: 4,
  name: 'coverage',
  caption: '80% interval coverage by horizon (nominal 0.8)',
  svg: barChart({ title: '80% interval coverage by horizon', format: (v) => v.toFixed(3), bars: (report.perHorizon ?? []).map((p) => ({ label: `h = ${p.horizon}`, value: p.coverage80, color: Math.abs(p.coverage80 - 0.8) <= 0.05 ? '#2ca02c' : '#d62728' })) }),
});

// 5. Volume vs price for one series: promotions flood the market (volume up, price down).
const vol = volumes.get('cmcc:50');
const s50 = series.find((x) => x.key === 'cmcc:50');
if (vol && s50) {
  const maxV = Math.max(...vol.volumes);
  const minR = Math.min(...s50.prices) / 50;
  const maxR = Math.max(...s50.prices) / 50;
  figures.push({
    section: 5,
    name: 'volume-cmcc-50',
    caption: 'cmcc 50 yuan: traded volume (rescaled onto the rate axis) and rate; promotions show as volume spikes with price dips',
    svg: lineChart({ title: 'cmcc 50: rate and volume', x: s50.dates, lines: [{ label: 'rate', color: '#1f77b4', values: s50.prices.map((p) => p / 50) }, { label: 'volume (scaled)', color: '#ff7f0e', values: vol.volumes.map((v) => minR + ((maxR - minR) * v) / maxV), width: 0.6 }] }),
  });
}

// 6. Write the figures, the HTML report and the Jupyter notebook.
mkdirSync('notebooks/pricing-figures', { recursive: true });
for (const f of figures) writeFileSync(`notebooks/pricing-figures/${f.name}.svg`, f.svg);
const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
const rows = summary.toRecords() as Array<Record<string, number | string>>;
const summaryHtml = `<table><tr>${Object.keys(rows[0]).map((k) => `<th>${k}</th>`).join('')}</tr>${rows.map((r) => `<tr>${Object.values(r).map((v) => `<td>${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(4)) : v}</td>`).join('')}</tr>`).join('\n')}</table>`;
const scoresHtml = `<table><tr><th>predictor</th><th>MAPE</th><th>MAE (yuan)</th><th>LSTM MAE vs it</th></tr><tr><td>LSTM</td><td>${pct(report.mape)}</td><td>${report.mae.toFixed(4)}</td><td></td></tr>
${Object.entries(report.baselines).map(([k, v]) => `<tr><td>${k}</td><td>${pct(v.mape)}</td><td>${v.mae.toFixed(4)}</td><td>${((report.mae / v.mae - 1) * 100).toFixed(1)}%</td></tr>`).join('\n')}</table>`;
const html = `<!doctype html><html><head><meta charset="utf-8"><title>cardrecycle pricing notebook</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}figure{margin:1.5em 0}figcaption{font-size:13px;color:#555}</style></head><body>
<h1>Pricing notebook</h1>
<p>Data <code>${dataPath}</code>: ${df.height} rows, ${series.length} series. Model <code>${card.version}</code> (${card.createdAt}). Regenerate with <code>npx tsx notebooks/pricing-report.ts</code>.</p>
<h2>Held-out scores (one step ahead, last 20% of every series, n = ${report.n})</h2>
${scoresHtml}
<p>MAE vs best baseline (${report.bestBaseline}): ${(report.maeVsBestBaseline * 100).toFixed(1)}%; 80% interval coverage: ${report.coverage80.toFixed(3)}.</p>
<h2>Series summary (polars)</h2>
${summaryHtml}
${figures.map((f) => `<figure>${f.svg}<figcaption>${f.caption}</figcaption></figure>`).join('\n')}
</body></html>`;
writeFileSync('notebooks/pricing-report.html', html);

const outputs = new Map<number, CellOutput[]>([
  [1, [{ kind: 'table', html: summaryHtml, text: String(summary) }]],
  [4, [{ kind: 'table', html: scoresHtml, text: `LSTM MAPE ${pct(report.mape)} MAE ${report.mae.toFixed(4)}; ${Object.entries(report.baselines).map(([k, v]) => `${k} MAPE ${pct(v.mape)} MAE ${v.mae.toFixed(4)}`).join('; ')}` }]],
]);
for (const f of figures) {
  // Palette PNG: every viewer shows it and it is a fraction of the SVG+PNG size (the SVGs stay in pricing-figures/).
  const png = await sharp(Buffer.from(f.svg), { density: 96 }).png({ palette: true }).toBuffer();
  outputs.set(f.section, [...(outputs.get(f.section) ?? []), { kind: 'figure', caption: f.caption, png }]);
}
const intro = `# Pricing notebook\n\nData \`${dataPath}\`: ${df.height} rows, ${series.length} series. Model \`${card.version}\` (${card.createdAt}).\n\nHeld-out one-step MAE ${report.mae.toFixed(4)} vs best baseline ${report.bestBaseline}: ${(report.maeVsBestBaseline * 100).toFixed(1)}%; MAPE ${pct(report.mape)}; 80% interval coverage ${report.coverage80.toFixed(3)}.\n\nGenerated by \`npx tsx notebooks/pricing-report.ts\` (the code cells are that script's sections, the outputs are from its last run).`;
const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
writeFileSync('notebooks/pricing.ipynb', buildNotebook(intro, splitSections(source), outputs));
console.log(`wrote notebooks/pricing-report.html, notebooks/pricing.ipynb and ${figures.length} SVG figures to notebooks/pricing-figures/`);
