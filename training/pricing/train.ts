import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readQuotesCsv } from '../../src/pricing/csv.js';
import { evaluateForecaster } from '../../src/pricing/evaluate.js';
import { FEATURES, HORIZON, WINDOW } from '../../src/pricing/features.js';
import { quantile } from '../../src/pricing/metrics.js';
import type { IntervalCalibration, ModelCard } from '../../src/pricing/model-card.js';
import { loadOnnxRunner } from '../../src/pricing/onnx-runner.js';
import { lstmToOnnx } from './export-onnx.js';
import { mergeLstms } from './ensemble.js';
import { renderModelCardMarkdown } from './model-card-md.js';
import { silentProgress, type Progress } from './progress.js';
import { createRng } from './rng.js';
import { useWasmBackend } from './tf-backend.js';
import { trainMember, type MemberResult } from './train-member.js';
import { buildWindows, CALIBRATION_FRACTION, FOREIGN_PEERS, PEER_DROPOUT, RANDOM_WALK_SERIES, STICKY, type WindowSet } from './windows.js';

export interface TrainOptions {
  data: string;
  out: string;
  seed: number;
  epochs: number;
  gate: boolean;
  units?: number; // per ensemble member
  members?: number; // ensemble size (independent seeds, averaged)
  batchSize?: number;
  learningRate?: number;
  learningRateDecay?: number; // per epoch
  patience?: number;
  dropout?: number;
  progress?: Progress;
  now?: () => Date;
}

export interface TrainResult {
  card: ModelCard;
  promoted: boolean; // written to `out`
  outDir: string;
}

export const GATE_MAX_MAPE = 0.015;
export const DEFAULT_MEMBERS = 3;
const INTERVAL_LEVEL = 0.8;

function calibrate(pred: Float32Array, set: WindowSet): IntervalCalibration {
  const low: number[] = [];
  const high: number[] = [];
  for (let h = 0; h < HORIZON; h++) {
    const r: number[] = [];
    for (let i = 0; i < set.n; i++) r.push(set.y[i * HORIZON + h] - pred[i * HORIZON + h]);
    r.sort((a, b) => a - b);
    low.push(quantile(r, (1 - INTERVAL_LEVEL) / 2));
    high.push(quantile(r, 1 - (1 - INTERVAL_LEVEL) / 2));
  }
  return { level: INTERVAL_LEVEL, low, high };
}

export async function trainPricing(options: TrainOptions): Promise<TrainResult> {
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? (() => new Date());
  const units = options.units ?? 32;
  const members = Math.max(1, options.members ?? DEFAULT_MEMBERS);
  const batchSize = options.batchSize ?? 128;
  const learningRate = options.learningRate ?? 0.002;
  const learningRateDecay = options.learningRateDecay ?? 0.7;
  const patience = options.patience ?? 3;
  const dropout = options.dropout ?? 0;
  const started = Date.now();

  const raw = readFileSync(options.data);
  const series = readQuotesCsv(options.data);
  const { train, calibration } = buildWindows(series, createRng(options.seed));
  if (train.n < batchSize || calibration.n < 10) throw new Error(`not enough history to train: ${train.n} training windows, ${calibration.n} calibration windows`);

  const tf = await useWasmBackend();
  const data = {
    xTrain: tf.tensor3d(train.x, [train.n, WINDOW, FEATURES]),
    yTrain: tf.tensor2d(train.y, [train.n, HORIZON]),
    xCal: tf.tensor3d(calibration.x, [calibration.n, WINDOW, FEATURES]),
    yCal: tf.tensor2d(calibration.y, [calibration.n, HORIZON]),
  };
  const batchesPerEpoch = Math.ceil(train.n / batchSize);
  progress.start(members * options.epochs * batchesPerEpoch, 'train pricing');
  // Independent seeds, averaged: the data are few overlapping windows, so single nets vary a lot.
  const results: MemberResult[] = [];
  for (let m = 0; m < members; m++) {
    results.push(
      await trainMember(tf, data, {
        seed: options.seed + 1000 * m, epochs: options.epochs, units, batchSize, learningRate, learningRateDecay, patience, dropout,
        progress, progressOffset: m * options.epochs * batchesPerEpoch, label: `member ${m + 1}/${members} epoch`,
      }),
    );
  }
  progress.stop();
  tf.dispose([data.xTrain, data.yTrain, data.xCal, data.yCal]);

  const calPred = new Float32Array(calibration.n * HORIZON);
  for (const r of results) r.calPred.forEach((v, i) => (calPred[i] += v / results.length));
  const intervals = calibrate(calPred, calibration);
  const weights = mergeLstms(results.map((r) => r.weights));
  const mean = (f: (r: MemberResult) => number): number => results.reduce((a, r) => a + f(r), 0) / results.length;

  const createdAt = now().toISOString();
  const onnxBytes = lstmToOnnx(weights, `cardrecycle pricing LSTM, trained ${createdAt} on ${options.data}`);
  const version = `pricing-lstm-${createdAt.slice(0, 10).replaceAll('-', '')}-${createHash('sha256').update(onnxBytes).digest('hex').slice(0, 8)}`;

  // Stage everything, evaluate the ONNX graph that would be served, then promote (or not).
  const outDir = resolve(options.out);
  const staging = `${outDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'model.onnx'), onnxBytes);
  writeFileSync(join(staging, 'weights.json'), JSON.stringify(weights));
  const runner = await loadOnnxRunner(join(staging, 'model.onnx'));
  const metrics = await evaluateForecaster(series, runner, intervals);
  await runner.release();

  const reasons: string[] = [];
  const bestBaselineMae = metrics.baselines[metrics.bestBaseline as keyof typeof metrics.baselines].mae;
  if (!(metrics.mae < bestBaselineMae)) reasons.push(`MAE ${metrics.mae.toFixed(5)} does not beat ${metrics.bestBaseline} (${bestBaselineMae.toFixed(5)})`);
  if (!(metrics.mape <= GATE_MAX_MAPE)) reasons.push(`one-step MAPE ${metrics.mape.toFixed(5)} > ${GATE_MAX_MAPE}`);

  const dates = series.flatMap((s) => [s.dates[0], s.dates[s.dates.length - 1]]).sort();
  const metaPath = join(dirname(resolve(options.data)), '..', 'training', 'pricing', 'quotes.meta.json');
  const card: ModelCard = {
    name: 'pricing-lstm',
    version,
    createdAt,
    framework: 'TensorFlow.js 4.22 (wasm) → ONNX opset 13, served by onnxruntime-node',
    files: { onnx: 'model.onnx', weights: 'weights.json' },
    architecture: { window: WINDOW, features: FEATURES, horizon: HORIZON, units: weights.units, members, unitsPerMember: units, recurrentActivation: 'sigmoid' },
    data: {
      path: options.data,
      sha256: createHash('sha256').update(raw).digest('hex'),
      rows: series.reduce((a, s) => a + s.prices.length, 0),
      series: series.length,
      firstDate: dates[0],
      lastDate: dates[dates.length - 1],
      generator: existsSync(metaPath) ? JSON.parse(readFileSync(metaPath, 'utf8')) : undefined,
    },
    split: {
      evaluation: 'chronologically last 20% of every series (one-step-ahead, only earlier data used)',
      calibration: `last ${CALIBRATION_FRACTION * 100}% of each series before the evaluation part (early stopping, interval quantiles)`,
      training: 'the rest',
    },
    training: {
      seed: options.seed, dropout, epochs: options.epochs, epochsRun: results.reduce((a, r) => a + r.epochsRun, 0), batchSize, learningRate,
      learningRateDecay, loss: 'weighted L1 (h1 ×3)',
      augmentation: { peerDropout: PEER_DROPOUT, foreignPeers: FOREIGN_PEERS, randomWalkSeries: RANDOM_WALK_SERIES, sticky: STICKY },
      seconds: Math.round((Date.now() - started) / 100) / 10,
      trainWindows: train.n, calibrationWindows: calibration.n, finalLoss: mean((r) => r.finalLoss), validationLoss: mean((r) => r.validationLoss),
      members: results.map((r) => ({ seed: r.seed, epochsRun: r.epochsRun, bestEpoch: r.bestEpoch, validationLoss: r.validationLoss })),
    },
    intervals,
    metrics,
    gate: { passed: reasons.length === 0, maxMape: GATE_MAX_MAPE, reasons },
  };
  writeFileSync(join(staging, 'model-card.json'), JSON.stringify(card, null, 2) + '\n');
  writeFileSync(join(staging, 'MODEL_CARD.md'), renderModelCardMarkdown(card));

  const promoted = card.gate.passed || !options.gate;
  if (promoted) {
    mkdirSync(outDir, { recursive: true });
    for (const f of ['model.onnx', 'weights.json', 'model-card.json', 'MODEL_CARD.md']) renameSync(join(staging, f), join(outDir, f));
  }
  rmSync(staging, { recursive: true, force: true });
  return { card, promoted, outDir };
}
