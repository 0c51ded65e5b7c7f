/**
 * Trains both classifiers from rendered tensors and writes the model directory:
 * cnn.onnx (served), tfjs/ (for the parity test), svm.json, model.json (calibration, serving
 * choice, model card) and MODEL_CARD.md.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from './tf-setup.js';
import { trainCnn } from './train-cnn.js';
import { trainStage2, STAGE2 } from './train-stage2.js';
import { calibrate, type Calibration } from './calibrate-models.js';
import { datasetFeatures, trainSvm } from './train-svm.js';
import { exportOnnx } from './onnx-export.js';
import { saveTfjsModel } from './tfjs-io.js';
import { buildTensorDataset, concatDatasets, loadTensorDataset, saveTensorDataset, type TensorDataset } from './tensor-dataset.js';
import { FONTS, LAYOUTS, BACKGROUNDS, PALETTE_STYLES } from './splits.js';
import type { LinearSvmModel } from '../../src/recognition/linear-svm.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

export interface TrainModelsOptions {
  dataDir: string;
  outDir: string;
  seed: number;
  epochs: number;
  samples: number;
  maxMinutes: number;
  log: (msg: string) => void;
  onStep?: (done: number, total: number) => void;
}

export function subset(ds: TensorDataset, from: number, to: number): TensorDataset {
  const S3 = INPUT_SIZE * INPUT_SIZE * 3;
  return { n: to - from, x: ds.x.subarray(from * S3, to * S3), carrier: ds.carrier.subarray(from, to), denom: ds.denom.subarray(from, to), corners: ds.corners.subarray(from * 8, to * 8) };
}

/** The last 5% (at least 200, at most a quarter) calibrates; the rest trains. */
export function splitTrainVal(all: TensorDataset): { train: TensorDataset; val: TensorDataset } {
  const nVal = Math.min(Math.floor(all.n / 4), Math.max(200, Math.round(all.n * 0.05)));
  return { train: subset(all, 0, all.n - nVal), val: subset(all, all.n - nVal, all.n) };
}

/** Loads every train-*.json shard in dataDir, or renders `samples` images when there is none. */
export async function loadOrRenderTraining(o: TrainModelsOptions): Promise<TensorDataset> {
  const names = existsSync(o.dataDir) ? readdirSync(o.dataDir).filter((f) => /^train-.*\.json$/.test(f)).sort() : [];
  if (names.length > 0) return concatDatasets(names.map((f) => loadTensorDataset(o.dataDir, f.replace(/\.json$/, ''))));
  o.log(`rendering ${o.samples} training images (seed ${o.seed}) into ${o.dataDir}`);
  const ds = await buildTensorDataset({ seed: o.seed, start: 0, count: o.samples, split: 'train', difficulty: 'train', longSide: 320 },
    (d) => o.onStep?.(d, o.samples));
  saveTensorDataset(ds, o.dataDir, 'train-0');
  return ds;
}

export interface TrainedParts {
  stage1: tf.LayersModel;
  stage2: tf.LayersModel | null;
  svm: LinearSvmModel;
  training: Record<string, unknown>;
}

export async function trainModels(o: TrainModelsOptions): Promise<{ meta: ModelMeta; calibration: Calibration }> {
  const t0 = Date.now();
  await initTf('wasm');
  const { train, val } = splitTrainVal(await loadOrRenderTraining(o));
  o.log(`training on ${train.n} images, calibrating on ${val.n}`);
  // Stage 1 gets 60% of the time budget, stage 2 (cheaper per step) the rest.
  const s1 = await trainCnn({ train, epochs: o.epochs, seed: o.seed, maxSeconds: o.maxMinutes * 60 * 0.6,
    onStep: ({ step, steps, loss, epoch }) => {
      o.onStep?.(step + 1, steps);
      if (step % 50 === 0) o.log(`cnn epoch ${epoch} step ${step}/${steps} loss ${loss.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    } });
  o.log(`stage 1 trained: ${s1.steps} steps, ${s1.epochsRun.toFixed(2)} epochs, ${s1.seconds.toFixed(0)} s`);
  const s2 = await trainStage2({ train, epochs: o.epochs, seed: o.seed, maxSeconds: o.maxMinutes * 60 * 0.4, log: o.log });
  o.log(`stage 2 trained: ${s2.steps} steps, ${s2.epochsRun.toFixed(2)} epochs, ${s2.seconds.toFixed(0)} s`);
  const tSvm = Date.now();
  const svm = trainSvm(train, datasetFeatures(train), o.seed);
  o.log(`svm trained in ${((Date.now() - tSvm) / 1000).toFixed(0)} s`);
  return writeModelDir(o, { stage1: s1.model, stage2: s2.model, svm, training: {
    epochsRequested: o.epochs, stage1: { steps: s1.steps, epochs: s1.epochsRun, seconds: s1.seconds }, stage2: { steps: s2.steps, epochs: s2.epochsRun, seconds: s2.seconds },
    totalSeconds: (Date.now() - t0) / 1000, backend: tf.getBackend(), trainImages: train.n } }, val);
}

/** Calibrates, picks the serving mode and writes every artifact plus model.json. */
export async function writeModelDir(o: Pick<TrainModelsOptions, 'outDir' | 'seed' | 'log'>, parts: TrainedParts, val: TensorDataset): Promise<{ meta: ModelMeta; calibration: Calibration }> {
  const cal = calibrate(parts.stage1, parts.stage2, parts.svm, val);
  o.log(`calibration: ${JSON.stringify(cal)}`);
  mkdirSync(o.outDir, { recursive: true });
  exportOnnx(parts.stage1, join(o.outDir, 'cnn.onnx'));
  await saveTfjsModel(parts.stage1, join(o.outDir, 'tfjs'));
  if (parts.stage2) {
    exportOnnx(parts.stage2, join(o.outDir, 'card-cnn.onnx'), [STAGE2.height, STAGE2.width]);
    await saveTfjsModel(parts.stage2, join(o.outDir, 'tfjs-stage2'));
  }
  writeFileSync(join(o.outDir, 'svm.json'), JSON.stringify(parts.svm));
  const meta: ModelMeta = {
    version: `recog-${new Date().toISOString().slice(0, 10)}-s${o.seed}`,
    createdAt: new Date().toISOString(),
    inputSize: INPUT_SIZE,
    cnn: { file: 'cnn.onnx', temperatureCarrier: cal.stage1.tC, temperatureDenom: cal.stage1.tD },
    ...(parts.stage2 && cal.stage2 ? { stage2: { file: 'card-cnn.onnx', temperatureCarrier: cal.stage2.tC, temperatureDenom: cal.stage2.tD } } : {}),
    svm: { file: 'svm.json' },
    serving: cal.serving,
    reviewThreshold: 0.9,
    card: {
      data: { seed: o.seed, calibrationImages: val.n, renderer: 'training/recognition (photo.ts, card-design.ts)', ...parts.training },
      trainingFonts: FONTS.train, trainingLayouts: LAYOUTS.train, trainingBackgrounds: BACKGROUNDS.train, trainingPalettes: PALETTE_STYLES.train,
      heldOut: { fonts: FONTS.holdout, layouts: LAYOUTS.holdout, backgrounds: BACKGROUNDS.holdout, palettes: PALETTE_STYLES.holdout },
      training: parts.training,
      validation: { ...cal.metrics, stage1CornerErrorPx: cal.stage1.cornerErrorPx },
    },
  };
  writeFileSync(join(o.outDir, 'model.json'), JSON.stringify(meta, null, 2));
  return { meta, calibration: cal };
}
