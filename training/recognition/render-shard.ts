/**
 * Renders one shard of training tensors (run several in parallel on a multi-core machine):
 *   tsx training/recognition/render-shard.ts --seed 1 --start 0 --count 4000 --name train-0
 */
import { parseArgs } from 'node:util';
import { buildTensorDataset, saveTensorDataset } from './tensor-dataset.js';
import type { Difficulty } from './photo.js';
import type { Split } from './splits.js';

const { values } = parseArgs({ options: {
  seed: { type: 'string', default: '1' }, start: { type: 'string', default: '0' }, count: { type: 'string', default: '1000' },
  name: { type: 'string', default: 'train-0' }, dir: { type: 'string', default: 'datasets/generated/recognition' },
  split: { type: 'string', default: 'train' }, difficulty: { type: 'string', default: 'train' }, 'long-side': { type: 'string', default: '320' },
} });
const t0 = Date.now();
const ds = await buildTensorDataset({
  seed: Number(values.seed), start: Number(values.start), count: Number(values.count),
  split: values.split as Split, difficulty: values.difficulty as Difficulty, longSide: Number(values['long-side']),
}, (d) => { if (d % 500 === 0) console.log(`${values.name}: ${d} in ${((Date.now() - t0) / 1000).toFixed(0)} s`); });
saveTensorDataset(ds, values.dir!, values.name!);
console.log(`${values.name}: done ${ds.n} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
