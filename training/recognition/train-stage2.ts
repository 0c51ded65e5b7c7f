/**
 * Stage 2: a small CNN that reads carrier and face value from the upright card crop (card-crop.ts).
 * Trained on crops cut along the true corners with random jitter (so it tolerates the stage-1
 * corner error), re-jittered every epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelShape } from './model.js';
import { Rng } from './rng.js';
import type { TensorDataset } from './tensor-dataset.js';
import { CROP_H, CROP_W, cropCard } from '../../src/recognition/card-crop.js';
import type { Point } from '../../src/recognition/geometry.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

export const STAGE2: ModelShape = { height: CROP_H, width: CROP_W, corners: false, name: 'card_face_cnn' };
const S3 = INPUT_SIZE * INPUT_SIZE * 3;
const C3 = CROP_W * CROP_H * 3;

export function inputAt(ds: TensorDataset, k: number): Float32Array {
  const out = new Float32Array(S3);
  const src = ds.x.subarray(k * S3, (k + 1) * S3);
  for (let i = 0; i < S3; i++) out[i] = src[i] / 255;
  return out;
}

export function trueCorners(ds: TensorDataset, k: number, rng?: Rng, jitter = 0): Point[] {
  return [0, 1, 2, 3].map((c): Point => [
    ds.corners[k * 8 + 2 * c] * INPUT_SIZE + (rng ? rng.gauss() * jitter : 0),
    ds.corners[k * 8 + 2 * c + 1] * INPUT_SIZE + (rng ? rng.gauss() * jitter : 0),
  ]);
}

function crops(ds: TensorDataset, rng: Rng, jitter: number): Uint8Array {
  const out = new Uint8Array(ds.n * C3);
  for (let k = 0; k < ds.n; k++) {
    const c = cropCard(inputAt(ds, k), trueCorners(ds, k, rng, jitter));
    for (let i = 0; i < C3; i++) out[k * C3 + i] = Math.round(c[i] * 255);
  }
  return out;
}

function augment(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const n = x.shape[0];
  return tf.tidy(() => {
    const gain = tf.tensor4d(Array.from({ length: n }, () => rng.range(0.7, 1.3)).flatMap((g) => [g * rng.range(0.92, 1.08), g * rng.range(0.92, 1.08), g * rng.range(0.92, 1.08)]), [n, 1, 1, 3]);
    const contrast = tf.tensor4d(Array.from({ length: n }, () => rng.range(0.7, 1.2)), [n, 1, 1, 1]);
    const mean = x.mean([1, 2, 3], true);
    const noise = tf.randomNormal(x.shape, 0, rng.range(0, 0.04), 'float32', rng.int(0, 1e9));
    return x.sub(mean).mul(contrast).add(mean).mul(gain).add(noise).clipByValue(0, 1) as tf.Tensor4D;
  });
}

export async function trainStage2(o: { train: TensorDataset; epochs: number; seed: number; maxSeconds: number; jitter?: number; log: (m: string) => void }): Promise<{ model: tf.LayersModel; seconds: number; steps: number; epochsRun: number }> {
  const model = buildModel(o.seed + 100, STAGE2);
  const bs = 32;
  const lr0 = 2e-3;
  const opt = tf.train.adam(lr0);
  const rng = new Rng(o.seed * 31 + 5);
  const steps = Math.floor(o.train.n / bs);
  const total = steps * o.epochs;
  const t0 = Date.now();
  let step = 0;
  for (let e = 0; e < o.epochs; e++) {
    const data = crops(o.train, rng, o.jitter ?? 2);
    const order = Array.from({ length: o.train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j], order[i]]; }
    for (let s = 0; s < steps; s++, step++) {
      const progress = Math.max(step / total, (Date.now() - t0) / 1000 / o.maxSeconds);
      (opt as unknown as { learningRate: number }).learningRate = 1e-4 + 0.5 * (lr0 - 1e-4) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
      const idx = order.slice(s * bs, (s + 1) * bs);
      const buf = new Float32Array(idx.length * C3);
      idx.forEach((k, j) => { for (let i = 0; i < C3; i++) buf[j * C3 + i] = data[k * C3 + i] / 255; });
      const raw = tf.tensor4d(buf, [idx.length, CROP_H, CROP_W, 3]);
      const x = augment(raw, rng);
      raw.dispose();
      const yc = tf.oneHot(tf.tensor1d(idx.map((k) => o.train.carrier[k]), 'int32'), 3);
      const yd = tf.oneHot(tf.tensor1d(idx.map((k) => o.train.denom[k]), 'int32'), 8);
      const loss = opt.minimize(() => {
        const [c, d] = model.apply(x, { training: true }) as tf.Tensor[];
        return tf.losses.softmaxCrossEntropy(yc, c).add(tf.losses.softmaxCrossEntropy(yd, d)) as tf.Scalar;
      }, true);
      const lv = loss ? (await loss.data())[0] : NaN;
      tf.dispose([x, yc, yd]);
      loss?.dispose();
      if (step % 50 === 0) o.log(`stage2 epoch ${e} step ${step}/${total} loss ${lv.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      if ((Date.now() - t0) / 1000 > o.maxSeconds) return { model, seconds: (Date.now() - t0) / 1000, steps: step + 1, epochsRun: e + s / steps };
    }
  }
  return { model, seconds: (Date.now() - t0) / 1000, steps: step, epochsRun: o.epochs };
}

/** Stage-2 logits for crops cut along the given corners (model-input pixels). */
export function stage2Logits(model: tf.LayersModel, inputs: Float32Array[], corners: Point[][]): { carrier: number[][]; denom: number[][] } {
  const out = { carrier: [] as number[][], denom: [] as number[][] };
  for (let s = 0; s < inputs.length; s += 64) {
    const n = Math.min(64, inputs.length - s);
    const buf = new Float32Array(n * C3);
    for (let j = 0; j < n; j++) buf.set(cropCard(inputs[s + j], corners[s + j]), j * C3);
    const x = tf.tensor4d(buf, [n, CROP_H, CROP_W, 3]);
    const [c, d] = model.predict(x) as tf.Tensor[];
    out.carrier.push(...(c.arraySync() as number[][]));
    out.denom.push(...(d.arraySync() as number[][]));
    tf.dispose([x, c, d]);
  }
  return out;
}
