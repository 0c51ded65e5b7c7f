/** Stand-alone training entry (the CLI's `train pricing` does the same): npx tsx training/pricing/run-train.ts [--epochs N] [--seed N] [--members N] [--out DIR] [--no-gate] */
import { terminalProgress, type Progress } from './progress.js';
import { trainPricing } from './train.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
// Without a TTY (nohup), log one line per epoch instead of a bar.
const epochLog: Progress = { start: () => {}, stop: () => {}, update: (_d, info) => { if (info && 'val' in info) console.error(new Date().toISOString(), JSON.stringify(info)); } };
const result = await trainPricing({
  data: arg('data', 'datasets/quotes.csv'),
  out: arg('out', 'models/pricing'),
  seed: Number(arg('seed', '42')),
  epochs: Number(arg('epochs', '20')),
  units: Number(arg('units', '32')),
  members: Number(arg('members', '3')),
  learningRate: Number(arg('lr', '0.002')),
  gate: !process.argv.includes('--no-gate'),
  progress: process.stderr.isTTY ? terminalProgress() : epochLog,
});
console.log(JSON.stringify({ version: result.card.version, promoted: result.promoted, seconds: result.card.training.seconds, epochsRun: result.card.training.epochsRun, metrics: result.card.metrics, gate: result.card.gate }, null, 2));
if (!result.promoted) process.exitCode = 1;
