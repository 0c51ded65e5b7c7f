/** tsx training/recognition/build-calibration-set.ts [--count 150]: photos for calibrating the OCR-fused confidence. */
import { parseArgs } from 'node:util';
import { buildEvalSet, CALIBRATION_SEED } from './eval-set.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '150' }, dir: { type: 'string', default: 'datasets/generated/recognition/calibration' } } });
await buildEvalSet({ dir: values.dir!, kind: 'hard', count: Number(values.count), seed: CALIBRATION_SEED, split: 'train' });
console.log('done');
