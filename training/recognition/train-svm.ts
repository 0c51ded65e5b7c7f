/**
 * Baseline: linear one-vs-rest SVMs (hinge loss, Pegasos-style SGD with L2) on HOG + colour
 * features, one for the carrier and one for the face value.
 */
import { Rng } from './rng.js';
import type { TensorDataset } from './tensor-dataset.js';
import { hogFeatures } from '../../src/recognition/hog.js';
import type { LinearSvmHead, LinearSvmModel } from '../../src/recognition/linear-svm.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

const S3 = INPUT_SIZE * INPUT_SIZE * 3;

export function datasetFeatures(ds: TensorDataset): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < ds.n; i++) {
    const img = ds.x.subarray(i * S3, (i + 1) * S3);
    const f = new Float32Array(S3);
    for (let j = 0; j < S3; j++) f[j] = img[j] / 255;
    out.push(hogFeatures(f));
  }
  return out;
}

function trainHead(x: Float64Array[], y: Int32Array, classes: number, epochs: number, lambda: number, rng: Rng): LinearSvmHead {
  const d = x[0].length;
  const w = Array.from({ length: classes }, () => new Float64Array(d));
  const b = new Float64Array(classes);
  let t = 1;
  for (let e = 0; e < epochs; e++) {
    const order = Array.from({ length: x.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j], order[i]]; }
    for (const i of order) {
      const eta = 1 / (lambda * (t + 100));
      t++;
      for (let c = 0; c < classes; c++) {
        const yy = y[i] === c ? 1 : -1;
        let s = b[c];
        const wc = w[c];
        const xi = x[i];
        for (let k = 0; k < d; k++) s += wc[k] * xi[k];
        const shrink = 1 - eta * lambda;
        if (yy * s < 1) {
          for (let k = 0; k < d; k++) wc[k] = wc[k] * shrink + eta * yy * xi[k];
          b[c] += eta * yy * 0.1;
        } else {
          for (let k = 0; k < d; k++) wc[k] *= shrink;
        }
      }
    }
  }
  return { weights: w.map((r) => Array.from(r, (v) => Number(v.toPrecision(6)))), bias: Array.from(b), temperature: 1 };
}

export function trainSvm(train: TensorDataset, feats: Float32Array[], seed: number, epochs = 4): LinearSvmModel {
  const d = feats[0].length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const f of feats) for (let k = 0; k < d; k++) mean[k] += f[k] / feats.length;
  for (const f of feats) for (let k = 0; k < d; k++) std[k] += (f[k] - mean[k]) ** 2 / feats.length;
  for (let k = 0; k < d; k++) std[k] = Math.sqrt(std[k]) + 1e-3;
  const x = feats.map((f) => Float64Array.from(f, (v, k) => (v - mean[k]) / std[k]));
  const rng = new Rng(seed + 17);
  return {
    featureMean: mean.map((v) => Number(v.toPrecision(6))), featureStd: std.map((v) => Number(v.toPrecision(6))),
    carrier: trainHead(x, train.carrier, 3, epochs, 1e-4, rng),
    denom: trainHead(x, train.denom, 8, epochs, 1e-4, rng),
  };
}
