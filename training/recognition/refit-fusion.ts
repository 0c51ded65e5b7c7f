/**
 * Refits a trained model's OCR-fusion calibration (the two temperatures and the confidence map) with
 * the current OCR code, without retraining the networks; re-renders the model card:
 *   npx tsx training/recognition/refit-fusion.ts [--model models/recognition] [--photos 240]
 * The photos are the calibration set (training designs, CALIBRATION_SEED), never evaluation photos.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEvalSet, CALIBRATION_SEED } from './eval-set.js';
import { fitFusion } from './fit-fusion.js';
import { writeModelCardMarkdown } from './model-card.js';
import { readLabelsCsv } from '../../src/recognition/labels-csv.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'models/recognition' }, photos: { type: 'string', default: '240' },
  dir: { type: 'string', default: 'datasets/generated/recognition/calibration' },
} });
const count = Number(values.photos);
const dir = values.dir!;
const have = existsSync(join(dir, 'labels.csv')) ? readLabelsCsv(join(dir, 'labels.csv')).length : 0;
if (have !== count) {
  console.log(`rendering ${count} calibration photos (seed ${CALIBRATION_SEED}, training designs) into ${dir}`);
  await buildEvalSet({ dir, kind: 'hard', count, seed: CALIBRATION_SEED, split: 'train' });
}
const fit = await fitFusion(values.model!, dir);
const metaPath = join(values.model!, 'model.json');
const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
// The card says the calibration was refit after training, and how.
meta.card.calibrationPhotos = { ...(meta.card.calibrationPhotos as object), refit: { date: new Date().toISOString(), command: `npx tsx training/recognition/refit-fusion.ts --model ${values.model} --photos ${count}` } };
writeFileSync(metaPath, JSON.stringify(meta, null, 2));
writeModelCardMarkdown(values.model!, meta);
console.log(JSON.stringify(fit));
