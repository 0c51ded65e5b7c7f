/**
 * Re-assembles a model directory from separately trained parts (used when stage 1 and stage 2 were
 * trained in parallel background jobs): tsx training/recognition/assemble.ts --stage1 DIR --stage2 DIR --out DIR
 * Re-trains only the SVM (seconds), then calibrates everything on the same calibration split.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { LinearSvmModel } from '../../src/recognition/linear-svm.js';
import { initTf } from './tf-setup.js';
import { loadTfjsModel } from './tfjs-io.js';
import { datasetFeatures, trainSvm } from './train-svm.js';
import { loadOrRenderTraining, splitTrainVal, writeModelDir } from './train-models.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'datasets/generated/recognition' }, stage1: { type: 'string' }, stage2: { type: 'string' },
  out: { type: 'string', default: 'models/recognition' }, svm: { type: 'string' }, seed: { type: 'string', default: '1' }, training: { type: 'string', default: '{}' },
} });
const log = (m: string) => console.log(new Date().toISOString(), m);
await initTf('wasm');
const { train, val } = splitTrainVal(await loadOrRenderTraining({ dataDir: values.data!, outDir: values.out!, seed: Number(values.seed), epochs: 1, samples: 14000, maxMinutes: 1, log }));
const stage1 = await loadTfjsModel(join(values.stage1!, 'tfjs'));
const stage2 = values.stage2 ? await loadTfjsModel(join(values.stage2, 'tfjs-stage2')) : null;
const t = Date.now();
// --svm reuses an SVM trained on the same split (its temperatures are re-fitted anyway).
const svm = values.svm ? (JSON.parse(readFileSync(values.svm, 'utf8')) as LinearSvmModel) : trainSvm(train, datasetFeatures(train), Number(values.seed));
log(`svm ready in ${((Date.now() - t) / 1000).toFixed(0)} s`);
const r = await writeModelDir({ outDir: values.out!, seed: Number(values.seed), log }, { stage1, stage2, svm, training: { ...JSON.parse(values.training!) as object, trainImages: train.n } }, val);
log(`serving ${r.meta.serving}`);
