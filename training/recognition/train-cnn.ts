/**
 * CNN training loop on the tfjs wasm backend: Adam with cosine decay, on-the-fly photometric
 * augmentation (brightness, contrast, colour cast, noise) on top of the rendered geometric variety,
 * loss = CE(carrier) + CE(face value) + λ·MSE(corners). Stops at the epoch count or time budget.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel } from './model.js';
import { Rng } from './rng.js';
import type { TensorDataset } from './tensor-dataset.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

export interface CnnTrainOptions {
  train: TensorDataset;
  epochs: number;
  batchSize?: number;
  seed: number;
  maxSeconds: number;
  learningRate?: number;
  onStep?: (info: { epoch: number; step: number; steps: number; loss: number }) => void;
}

export interface HeadLogits { carrier: number[][]; denom: number[][]; corners: number[][] }

const S3 = INPUT_SIZE * INPUT_SIZE * 3;
const CORNER_WEIGHT = 30;

function batchTensor(ds: TensorDataset, idx: number[]): tf.Tensor4D {
  const buf = new Float32Array(idx.length * S3);
  idx.forEach((k, j) => {
    const src = ds.x.subarray(k * S3, (k + 1) * S3);
    for (let i = 0; i < S3; i++) buf[j * S3 + i] = src[i] / 255;
  });
  return tf.tensor4d(buf, [idx.length, INPUT_SIZE, INPUT_SIZE, 3]);
}

function augment(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const n = x.shape[0];
  return tf.tidy(() => {
    const gain = tf.tensor4d(Array.from({ length: n * 3 }, () => 0), [n, 1, 1, 3]).add(
      tf.tensor4d(Array.from({ length: n }, () => rng.range(0.7, 1.3)).flatMap((g) => [g * rng.range(0.92, 1.08), g * rng.range(0.92, 1.08), g * rng.range(0.92, 1.08)]), [n, 1, 1, 3]));
    const contrast = tf.tensor4d(Array.from({ length: n }, () => rng.range(0.7, 1.2)), [n, 1, 1, 1]);
    const shift = tf.tensor4d(Array.from({ length: n }, () => rng.range(-0.08, 0.08)), [n, 1, 1, 1]);
    const mean = x.mean([1, 2, 3], true);
    const y = x.sub(mean).mul(contrast).add(mean).mul(gain).add(shift);
    const noise = tf.randomNormal(x.shape, 0, rng.range(0, 0.04), 'float32', rng.int(0, 1e9));
    return y.add(noise).clipByValue(0, 1) as tf.Tensor4D;
  });
}

export async function trainCnn(o: CnnTrainOptions): Promise<{ model: tf.LayersModel; seconds: number; epochsRun: number; steps: number }> {
  const model = buildModel(o.seed);
  const bs = o.batchSize ?? 32;
  const lr0 = o.learningRate ?? 2e-3;
  const opt = tf.train.adam(lr0);
  const rng = new Rng(o.seed * 7919 + 1);
  const stepsPerEpoch = Math.floor(o.train.n / bs);
  const totalSteps = stepsPerEpoch * o.epochs;
  const t0 = Date.now();
  let step = 0;
  let epoch = 0;
  for (; epoch < o.epochs; epoch++) {
    const order = Array.from({ length: o.train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j], order[i]]; }
    for (let s = 0; s < stepsPerEpoch; s++, step++) {
      // Cosine decay over the planned steps, or over the time budget when that binds first.
      const progress = Math.max(step / totalSteps, (Date.now() - t0) / 1000 / o.maxSeconds);
      (opt as unknown as { learningRate: number }).learningRate = 1e-4 + 0.5 * (lr0 - 1e-4) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
      const idx = order.slice(s * bs, (s + 1) * bs);
      const raw = batchTensor(o.train, idx);
      const x = augment(raw, rng);
      raw.dispose();
      const yc = tf.oneHot(tf.tensor1d(idx.map((k) => o.train.carrier[k]), 'int32'), 3);
      const yd = tf.oneHot(tf.tensor1d(idx.map((k) => o.train.denom[k]), 'int32'), 8);
      const yk = tf.tensor2d(idx.flatMap((k) => Array.from(o.train.corners.subarray(k * 8, k * 8 + 8))), [idx.length, 8]);
      const loss = opt.minimize(() => {
        const [c, d, k] = model.apply(x, { training: true }) as tf.Tensor[];
        const lc = tf.losses.softmaxCrossEntropy(yc, c);
        const ld = tf.losses.softmaxCrossEntropy(yd, d);
        const lk = tf.losses.meanSquaredError(yk, k).mul(CORNER_WEIGHT);
        return lc.add(ld).add(lk) as tf.Scalar;
      }, true);
      const lv = loss ? (await loss.data())[0] : NaN;
      tf.dispose([x, yc, yd, yk]);
      loss?.dispose();
      o.onStep?.({ epoch, step, steps: totalSteps, loss: lv });
      if ((Date.now() - t0) / 1000 > o.maxSeconds) return { model, seconds: (Date.now() - t0) / 1000, epochsRun: epoch + s / stepsPerEpoch, steps: step + 1 };
    }
  }
  return { model, seconds: (Date.now() - t0) / 1000, epochsRun: epoch, steps: step };
}

/** Raw head outputs (logits and corners) for every sample, in batches. */
export function predictLogits(model: tf.LayersModel, ds: TensorDataset, bs = 64): HeadLogits {
  const out: HeadLogits = { carrier: [], denom: [], corners: [] };
  for (let s = 0; s < ds.n; s += bs) {
    const idx = Array.from({ length: Math.min(bs, ds.n - s) }, (_, i) => s + i);
    const x = batchTensor(ds, idx);
    const [c, d, k] = model.predict(x) as tf.Tensor[];
    out.carrier.push(...(c.arraySync() as number[][]));
    out.denom.push(...(d.arraySync() as number[][]));
    out.corners.push(...(k.arraySync() as number[][]));
    tf.dispose([x, c, d, k]);
  }
  return out;
}
