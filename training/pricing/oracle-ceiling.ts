/**
 * How good could any forecaster be on the simulated market? Compares, on the held-out last 20%,
 * naive with an oracle that knows the simulator's state (everything except the day's own noise).
 * Usage: npx tsx training/pricing/oracle-ceiling.ts
 */
import { holdoutStart } from '../../src/pricing/evaluate.js';
import { ErrorAccumulator } from '../../src/pricing/metrics.js';
import { DEFAULT_SIMULATION } from './simulation-defaults.js';
import { simulateMarket } from './simulate.js';

const rows = simulateMarket(DEFAULT_SIMULATION);
const oracle = new ErrorAccumulator();
const naive = new ErrorAccumulator();
const days = DEFAULT_SIMULATION.days;
const start = holdoutStart(days);
for (let i = 0; i < rows.length; i += days) {
  for (let t = start; t < days; t++) {
    const r = rows[i + t];
    oracle.add(r.price, r.expectedRate * r.denomination);
    naive.add(r.price, rows[i + t - 1].price);
  }
}
const o = oracle.summary();
const n = naive.summary();
console.log(JSON.stringify({ n: oracle.count, oracle: o, naive: n, oracleMaeVsNaive: o.mae / n.mae - 1 }));
