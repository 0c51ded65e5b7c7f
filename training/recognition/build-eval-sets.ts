/**
 * tsx training/recognition/build-eval-sets.ts [--standard 400] [--hard 800] [--dir datasets/generated/recognition]
 * Writes eval-standard/ and eval-hard/ (images + labels.csv) and copies the labels to datasets/recognition/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEvalSet, EVAL_SEEDS } from './eval-set.js';

const { values } = parseArgs({ options: {
  standard: { type: 'string', default: '400' }, hard: { type: 'string', default: '800' },
  dir: { type: 'string', default: 'datasets/generated/recognition' }, 'long-side': { type: 'string', default: '1600' },
} });
mkdirSync('datasets/recognition', { recursive: true });
for (const kind of ['standard', 'hard'] as const) {
  const count = Number(values[kind]);
  if (count <= 0) continue;
  const t0 = Date.now();
  const labels = await buildEvalSet({ dir: join(values.dir!, `eval-${kind}`), kind, count, seed: EVAL_SEEDS[kind], longSide: Number(values['long-side']) },
    (d) => { if (d % 100 === 0) console.log(`${kind}: ${d}/${count} (${((Date.now() - t0) / 1000).toFixed(0)} s)`); });
  copyFileSync(labels, join('datasets/recognition', `eval-${kind}.labels.csv`));
  console.log(`${kind}: ${count} images in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
