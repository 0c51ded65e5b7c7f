/**
 * Trains the digit classifier (src/recognition/digit-net.ts) on harvested glyphs
 * (harvest-glyphs.ts): cross-entropy, mini-batch SGD with momentum and L2, a learning rate that
 * decays linearly to zero, seeded initialisation and shuffling.
 * Plain JS rather than TensorFlow.js, which trains the CNNs: this network has 41k weights and trains
 * in about a minute here, and its weights serve as they are, with no export step and no tfjs at
 * serving time.
 */
import { Rng } from './rng.js';
import { forward, type DigitNet } from '../../src/recognition/digit-net.js';
import { softmax } from '../../src/recognition/calibration.js';

export interface DigitTrainOptions { hidden?: number; epochs?: number; rate?: number; l2?: number; batch?: number; seed: number; onEpoch?: (epoch: number, loss: number) => void }

const round = (v: number) => Number(v.toPrecision(6));

/** How many glyphs of true digit t tesseract read as r, as [t][r]. */
export function readCounts(labels: number[], reads: number[]): number[][] {
  const c = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  labels.forEach((t, i) => { c[t][reads[i]]++; });
  return c;
}

/** `labels`: each glyph's true digit; `reads`: tesseract's. */
export function trainDigitNet(features: Float32Array[], labels: number[], reads: number[], o: DigitTrainOptions): DigitNet {
  const { hidden = 64, epochs = 12, rate = 0.05, l2 = 1e-4, batch = 32, seed } = o;
  const d = features[0].length;
  const mean = new Array<number>(d).fill(0); const std = new Array<number>(d).fill(0);
  for (const f of features) for (let k = 0; k < d; k++) mean[k] += f[k] / features.length;
  for (const f of features) for (let k = 0; k < d; k++) std[k] += (f[k] - mean[k]) ** 2 / features.length;
  for (let k = 0; k < d; k++) std[k] = Math.sqrt(std[k]) + 1e-3;
  const rng = new Rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const net: DigitNet = {
    featureMean: mean, featureStd: std,
    w1: Array.from({ length: hidden }, () => Array.from({ length: d }, () => gauss() * Math.sqrt(2 / d))), b1: new Array(hidden).fill(0),
    w2: Array.from({ length: 10 }, () => Array.from({ length: hidden }, () => gauss() * Math.sqrt(1 / hidden))), b2: new Array(10).fill(0),
    readCounts: readCounts(labels, reads),
  };
  const x = features.map((f) => Float64Array.from(f, (v, k) => (v - mean[k]) / std[k]));
  // forward() standardises its input: the trainer feeds standardised rows through an identity copy.
  const id: DigitNet = { ...net, featureMean: new Array(d).fill(0), featureStd: new Array(d).fill(1) };
  const v1 = net.w1.map((r) => new Float64Array(r.length)); const vb1 = new Float64Array(hidden);
  const v2 = net.w2.map((r) => new Float64Array(r.length)); const vb2 = new Float64Array(10);
  const g1 = net.w1.map((r) => new Float64Array(r.length)); const gb1 = new Float64Array(hidden);
  const g2 = net.w2.map((r) => new Float64Array(r.length)); const gb2 = new Float64Array(10);
  const steps = epochs * Math.ceil(x.length / batch);
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    const order = Array.from({ length: x.length }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j], order[i]]; }
    let loss = 0;
    for (let b0 = 0; b0 < order.length; b0 += batch) {
      for (const g of [...g1, ...g2, gb1, gb2]) g.fill(0);
      const idx = order.slice(b0, b0 + batch);
      for (const i of idx) {
        const { hidden: h, logits } = forward(id, x[i]);
        const p = softmax(logits);
        loss -= Math.log(Math.max(p[labels[i]], 1e-12));
        const dz = p.map((v, k) => v - (k === labels[i] ? 1 : 0));
        const dh = new Float64Array(hidden);
        for (let k = 0; k < 10; k++) {
          gb2[k] += dz[k];
          for (let j = 0; j < hidden; j++) { g2[k][j] += dz[k] * h[j]; dh[j] += dz[k] * net.w2[k][j]; }
        }
        for (let j = 0; j < hidden; j++) {
          if (h[j] <= 0) continue;
          gb1[j] += dh[j];
          const g = g1[j]; const xi = x[i];
          for (let k = 0; k < d; k++) g[k] += dh[j] * xi[k];
        }
      }
      const lr = rate * (1 - step++ / steps);
      const update = (w: number[], v: Float64Array, g: Float64Array, decay: number) => {
        for (let k = 0; k < w.length; k++) { v[k] = 0.9 * v[k] - lr * (g[k] / idx.length + decay * w[k]); w[k] += v[k]; }
      };
      net.w1.forEach((w, j) => update(w, v1[j], g1[j], l2)); update(net.b1, vb1, gb1, 0);
      net.w2.forEach((w, k) => update(w, v2[k], g2[k], l2)); update(net.b2, vb2, gb2, 0);
    }
    o.onEpoch?.(e + 1, loss / x.length);
  }
  return {
    featureMean: mean.map(round), featureStd: std.map(round),
    w1: net.w1.map((r) => r.map(round)), b1: net.b1.map(round), w2: net.w2.map((r) => r.map(round)), b2: net.b2.map(round),
    readCounts: net.readCounts,
  };
}
