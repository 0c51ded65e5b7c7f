/** Stage 1: the whole-photo CNN (corners, carrier, coarse face value) on the 96×96 letterbox. */
import * as tf from '@tensorflow/tfjs';
import { buildModel, STAGE1 } from './model.js';
import { trainLoop, type LoopResult } from './train-loop.js';
import { S3, type TensorDataset } from './tensor-dataset.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

export interface StageTrainOptions { train: TensorDataset; epochs: number; seed: number; maxSeconds: number; log?: (m: string) => void; onStep?: (step: number, steps: number) => void }

export interface HeadLogits { carrier: number[][]; denom: number[][]; corners: number[][] }

export function letterboxBatch(ds: TensorDataset, idx: number[]): tf.Tensor4D {
  const buf = new Float32Array(idx.length * S3);
  idx.forEach((k, j) => { for (let i = 0; i < S3; i++) buf[j * S3 + i] = ds.x[k * S3 + i] / 255; });
  return tf.tensor4d(buf, [idx.length, INPUT_SIZE, INPUT_SIZE, 3]);
}

export async function trainCnn(o: StageTrainOptions): Promise<LoopResult & { model: tf.LayersModel }> {
  const model = buildModel(o.seed, STAGE1);
  const ds = o.train;
  const r = await trainLoop({ model, n: ds.n, epochs: o.epochs, maxSeconds: o.maxSeconds, seed: o.seed, log: o.log, onStep: o.onStep,
    batch: (idx) => ({ x: letterboxBatch(ds, idx), carrier: idx.map((k) => ds.carrier[k]), denom: idx.map((k) => ds.denom[k]),
      corners: idx.flatMap((k) => Array.from(ds.corners.subarray(k * 8, k * 8 + 8))) }) });
  return { ...r, model };
}

/** Raw head outputs (logits and corners) for every sample, in batches. */
export function predictLogits(model: tf.LayersModel, ds: TensorDataset, bs = 64): HeadLogits {
  const out: HeadLogits = { carrier: [], denom: [], corners: [] };
  for (let s = 0; s < ds.n; s += bs) {
    const x = letterboxBatch(ds, Array.from({ length: Math.min(bs, ds.n - s) }, (_, i) => s + i));
    const [c, d, k] = model.predict(x) as tf.Tensor[];
    out.carrier.push(...(c.arraySync() as number[][]));
    out.denom.push(...(d.arraySync() as number[][]));
    out.corners.push(...(k.arraySync() as number[][]));
    tf.dispose([x, c, d, k]);
  }
  return out;
}
