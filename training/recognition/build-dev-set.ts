/**
 * Development photos for tuning the OCR pipeline without touching the evaluation sets:
 *   tsx training/recognition/build-dev-set.ts --seed 700001 --split holdout --kind hard --count 120 --dir DIR
 * Use seeds other than EVAL_SEEDS and CALIBRATION_SEED (eval-set.ts); refused otherwise.
 */
import { parseArgs } from 'node:util';
import { buildEvalSet, CALIBRATION_SEED, EVAL_SEEDS } from './eval-set.js';
import type { Split } from './splits.js';

const { values } = parseArgs({ options: {
  seed: { type: 'string', default: '700001' }, split: { type: 'string', default: 'holdout' }, kind: { type: 'string', default: 'hard' },
  count: { type: 'string', default: '120' }, dir: { type: 'string', default: 'datasets/generated/recognition/dev-holdout' },
} });
const seed = Number(values.seed);
if (Object.values(EVAL_SEEDS).includes(seed) || seed === CALIBRATION_SEED) throw new Error(`seed ${seed} belongs to an evaluation or calibration set`);
const kind = values.kind === 'standard' ? 'standard' : 'hard';
const split: Split = values.split === 'train' ? 'train' : 'holdout';
const t0 = Date.now();
await buildEvalSet({ dir: values.dir!, kind, count: Number(values.count), seed, split });
console.log(`${values.count} photos in ${((Date.now() - t0) / 1000).toFixed(0)} s → ${values.dir}`);
