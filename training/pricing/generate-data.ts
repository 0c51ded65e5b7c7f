/**
 * Writes datasets/quotes.csv (contract columns) and datasets/volumes.csv from the simulator.
 * Usage: npx tsx training/pricing/generate-data.ts [--seed 20240101] [--start 2024-01-01] [--days 731]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { simulateMarket } from './simulate.js';
import { DEFAULT_SIMULATION } from './simulation-defaults.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const seed = Number(arg('seed', String(DEFAULT_SIMULATION.seed)));
const start = arg('start', DEFAULT_SIMULATION.start);
const days = Number(arg('days', String(DEFAULT_SIMULATION.days)));
const rows = simulateMarket({ seed, start, days });
mkdirSync('datasets', { recursive: true });
writeFileSync('datasets/quotes.csv', 'date,carrier,denomination,price\n' + rows.map((r) => `${r.date},${r.carrier},${r.denomination},${r.price.toFixed(2)}`).join('\n') + '\n');
writeFileSync('datasets/volumes.csv', 'date,carrier,denomination,volume\n' + rows.map((r) => `${r.date},${r.carrier},${r.denomination},${r.volume}`).join('\n') + '\n');
writeFileSync('training/pricing/quotes.meta.json', JSON.stringify({ generator: 'training/pricing/simulate.ts', seed, start, days, rows: rows.length }, null, 2) + '\n');
console.log(`wrote ${rows.length} rows (seed ${seed}, ${start} + ${days} days) to datasets/quotes.csv, datasets/volumes.csv (seed recorded in training/pricing/quotes.meta.json)`);
