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
import { buildLstm, extractWeights } from './lstm.js';
import { renderModelCardMarkdown } from './model-card-md.js';
import { silentProgress, type Progress } from './progress.js';
import { createRng } from './rng.js';
import { useWasmBackend } from './tf-backend.js';
import { buildWindows, CALIBRATION_FRACTION, type WindowSet } from './windows.js';

export interface TrainOptions {
  data: string;
  out: string;
  seed: number;
  epochs: number;
  gate: boolean;
  units?: number;
  batchSize?: number;
  learningRate?: number;
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
  const batchSize = options.batchSize ?? 128;
  const learningRate = options.learningRate ?? 0.002;
  const patience = options.patience ?? 4;
  const started = Date.now();

  const raw = readFileSync(options.data);
  const series = readQuotesCsv(options.data);
  const { train, calibration } = buildWindows(series);
  if (train.n < batchSize || calibration.n < 10) throw new Error(`not enough history to train: ${train.n} training windows, ${calibration.n} calibration windows`);

  const tf = await useWasmBackend();
  const model = buildLstm(WINDOW, FEATURES, HORIZON, units, options.seed, options.dropout ?? 0);
  // Huber (shocks are heavy-tailed); one step ahead weighs most, it is what quotes use.
  const horizonWeights = tf.tensor2d([Array.from({ length: HORIZON }, (_, h) => (h === 0 ? 3 : 1))]);
  const huber = (yTrue: import('@tensorflow/tfjs').Tensor, yPred: import('@tensorflow/tfjs').Tensor) =>
    tf.tidy(() => {
      const err = tf.abs(tf.sub(yTrue, yPred));
      const quad = tf.minimum(err, 1);
      const loss = tf.add(tf.mul(0.5, tf.square(quad)), tf.sub(err, quad));
      return tf.div(tf.sum(tf.mul(loss, horizonWeights)), tf.mul(yTrue.shape[0] ?? 1, tf.sum(horizonWeights)));
    });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: huber });

  const rng = createRng(options.seed);
  const xAll = tf.tensor3d(train.x, [train.n, WINDOW, FEATURES]);
  const yAll = tf.tensor2d(train.y, [train.n, HORIZON]);
  const xCal = tf.tensor3d(calibration.x, [calibration.n, WINDOW, FEATURES]);
  const yCal = tf.tensor2d(calibration.y, [calibration.n, HORIZON]);
  const batchesPerEpoch = Math.ceil(train.n / batchSize);

  let best = { loss: Number.POSITIVE_INFINITY, weights: model.getWeights().map((w) => w.clone()), epoch: 0 };
  let finalLoss = Number.NaN;
  let epochsRun = 0;
  progress.start(options.epochs * batchesPerEpoch, 'train pricing');
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    // Seeded shuffle (tfjs's own shuffle uses Math.random).
    const order = Int32Array.from({ length: train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const idx = tf.tensor1d(order, 'int32');
    const xs = tf.gather(xAll, idx);
    const ys = tf.gather(yAll, idx);
    const h = await model.fit(xs, ys, {
      epochs: 1,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (batch, logs) => {
          progress.update(epoch * batchesPerEpoch + batch + 1, { epoch: `${epoch + 1}/${options.epochs}`, loss: (logs?.loss ?? 0).toFixed(4) });
        },
      },
    });
    tf.dispose([idx, xs, ys]);
    finalLoss = Number(h.history.loss[0]);
    const valTensor = model.evaluate(xCal, yCal, { batchSize: 1024 }) as import('@tensorflow/tfjs').Scalar;
    const val = (await valTensor.data())[0];
    valTensor.dispose();
    epochsRun = epoch + 1;
    progress.update(epochsRun * batchesPerEpoch, { epoch: `${epochsRun}/${options.epochs}`, loss: finalLoss.toFixed(4), val: val.toFixed(4) });
    if (val < best.loss) {
      tf.dispose(best.weights);
      best = { loss: val, weights: model.getWeights().map((w) => w.clone()), epoch: epochsRun };
    } else if (epochsRun - best.epoch >= patience) {
      break;
    }
  }
  progress.stop();
  model.setWeights(best.weights);

  const calPred = (model.predict(xCal, { batchSize: 1024 }) as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array;
  const intervals = calibrate(calPred, calibration);
  const weights = extractWeights(model, WINDOW, FEATURES, HORIZON);
  tf.dispose([xAll, yAll, xCal, yCal, horizonWeights, ...best.weights]);

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
    architecture: { window: WINDOW, features: FEATURES, horizon: HORIZON, units, recurrentActivation: 'sigmoid' },
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
      seed: options.seed, dropout: options.dropout ?? 0, epochs: options.epochs, epochsRun, batchSize, learningRate,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      trainWindows: train.n, calibrationWindows: calibration.n, finalLoss, validationLoss: best.loss,
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
