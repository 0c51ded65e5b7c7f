/**
 * Pricing benchmarks: single-forecast latency (features incl. the peer series + ONNX run, uncached) and the quotes
 * endpoint's throughput against a bare Express handler, in the same run, loopback only.
 * Usage: npx tsx bench/pricing.ts [--duration 5] [--connections 10] [--json]
 */
import express from 'express';
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pricingRoutes } from '../src/api/routes/pricing.js';
import { createPricingService, loadOnnxRunner, readModelCard, readQuotesCsv } from '../src/pricing/index.js';
import { forecastSeries } from '../src/pricing/forecaster.js';
import { peersOf } from '../src/pricing/series.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const duration = arg('duration', 5);
const connections = arg('connections', 10);
const json = process.argv.includes('--json');
const modelDir = 'models/pricing';

const pct = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))];

async function forecastLatency(): Promise<{ n: number; p50: number; p99: number; loadMs: number }> {
  const t0 = performance.now();
  const card = readModelCard(modelDir);
  const runner = await loadOnnxRunner(join(modelDir, card.files.onnx));
  const loadMs = performance.now() - t0;
  const series = readQuotesCsv('datasets/quotes.csv');
  const peers = series.map((s) => peersOf(s, series));
  for (let i = 0; i < 200; i++) await forecastSeries(runner, card.intervals, series[i % series.length], 7, peers[i % series.length]); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const s = series[i % series.length];
    const start = performance.now();
    await forecastSeries(runner, card.intervals, s, 7, peers[i % series.length]);
    times.push(performance.now() - start);
  }
  await runner.release();
  times.sort((a, b) => a - b);
  return { n: times.length, p50: pct(times, 0.5), p99: pct(times, 0.99), loadMs };
}

async function throughput(app: express.Express, path: string): Promise<{ rps: number; p50ms: number; p99ms: number; errors: number; non2xx: number }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections, duration });
  server.close();
  return { rps: result.requests.average, p50ms: result.latency.p50, p99ms: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

const latency = await forecastLatency();
const service = await createPricingService({ modelDir });
const quoteApp = express();
quoteApp.use(pricingRoutes({ pricing: service }));
const sample = await service.quote({ carrier: 'cmcc', denomination: 100 });
const bareApp = express();
// Same-sized JSON body, no work: the ceiling for this Express on this machine.
bareApp.get('/v1/quotes', (_req, res) => {
  res.set('Cache-Control', 'no-store').json(sample);
});
const bare = await throughput(bareApp, '/v1/quotes?carrier=cmcc&denomination=100');
const quotes = await throughput(quoteApp, '/v1/quotes?carrier=cmcc&denomination=100');
await service.close();

const report = {
  modelVersion: service.modelVersion,
  modelLoadMs: Math.round(latency.loadMs * 10) / 10,
  forecast: { n: latency.n, p50Ms: Math.round(latency.p50 * 1000) / 1000, p99Ms: Math.round(latency.p99 * 1000) / 1000, targetP50Ms: 2 },
  quotesEndpoint: { ...quotes, durationS: duration, connections },
  bareExpress: bare,
  quotesVsBare: Math.round((quotes.rps / bare.rps) * 1000) / 1000,
  targetQuotesVsBare: 0.5,
};
if (json) console.log(JSON.stringify(report));
else {
  console.log(`model ${report.modelVersion} loaded in ${report.modelLoadMs} ms`);
  console.log(`single forecast (features + ONNX, uncached, 7 days): p50 ${report.forecast.p50Ms} ms, p99 ${report.forecast.p99Ms} ms over ${latency.n} (target p50 ≤ 2 ms)`);
  console.log(`GET /v1/quotes: ${quotes.rps.toFixed(0)} req/s (p50 ${quotes.p50ms} ms, p99 ${quotes.p99ms} ms, errors ${quotes.errors}, non-2xx ${quotes.non2xx})`);
  console.log(`bare Express:   ${bare.rps.toFixed(0)} req/s (p50 ${bare.p50ms} ms, p99 ${bare.p99ms} ms)`);
  console.log(`quotes / bare = ${report.quotesVsBare} (target ≥ 0.5); ${connections} connections, ${duration} s each, loopback`);
}
