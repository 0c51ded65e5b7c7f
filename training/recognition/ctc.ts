/**
 * Connectionist temporal classification for the line reader: the loss of one label sequence under
 * a sequence of per-column class scores, with its gradient, by the forward-backward recursions in
 * log space (Graves et al. 2006). TF.js has no CTC loss; the line reader's trainer feeds this
 * gradient to its graph through tf.customGrad. Classes 0..C-2 are symbols, C-1 is the blank.
 */

import { logSoftmaxRows } from '../../src/recognition/ctc-decode.js';

const logAdd = (a: number, b: number) => {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
};

/**
 * −log p(label | logits) and its gradient with respect to the T×C logits (written into `grad`,
 * scaled by `weight`). A label that cannot fit in T columns (with a blank between repeats) gives
 * an infinite loss and no gradient.
 */
export function ctcLossAndGrad(logits: ArrayLike<number>, t: number, c: number, label: number[], grad: Float64Array | Float32Array, weight = 1, gradOffset = 0): number {
  const blank = c - 1;
  const s = 2 * label.length + 1;
  const ext = Array.from({ length: s }, (_, i) => (i % 2 === 0 ? blank : label[(i - 1) / 2]));
  const repeats = label.reduce((n, v, i) => n + (i > 0 && label[i - 1] === v ? 1 : 0), 0);
  if (label.length + repeats > t) return Infinity;
  const y = logSoftmaxRows(logits, t, c);
  const alpha = new Float64Array(t * s).fill(-Infinity);
  const beta = new Float64Array(t * s).fill(-Infinity);
  alpha[0] = y[blank];
  if (s > 1) alpha[1] = y[ext[1]];
  for (let i = 1; i < t; i++) for (let j = 0; j < s; j++) {
    let a = alpha[(i - 1) * s + j];
    if (j > 0) a = logAdd(a, alpha[(i - 1) * s + j - 1]);
    if (j > 1 && ext[j] !== blank && ext[j] !== ext[j - 2]) a = logAdd(a, alpha[(i - 1) * s + j - 2]);
    alpha[i * s + j] = a === -Infinity ? a : a + y[i * c + ext[j]];
  }
  const last = (t - 1) * s;
  beta[last + s - 1] = y[(t - 1) * c + ext[s - 1]];
  if (s > 1) beta[last + s - 2] = y[(t - 1) * c + ext[s - 2]];
  for (let i = t - 2; i >= 0; i--) for (let j = 0; j < s; j++) {
    let b = beta[(i + 1) * s + j];
    if (j < s - 1) b = logAdd(b, beta[(i + 1) * s + j + 1]);
    if (j < s - 2 && ext[j] !== blank && ext[j] !== ext[j + 2]) b = logAdd(b, beta[(i + 1) * s + j + 2]);
    beta[i * s + j] = b === -Infinity ? b : b + y[i * c + ext[j]];
  }
  const logP = s > 1 ? logAdd(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last];
  if (logP === -Infinity) return Infinity;
  for (let i = 0; i < t; i++) {
    const occupancy = new Float64Array(c);
    for (let j = 0; j < s; j++) {
      const g = alpha[i * s + j] + beta[i * s + j] - y[i * c + ext[j]] - logP;
      if (g > -60) occupancy[ext[j]] += Math.exp(g);
    }
    for (let k = 0; k < c; k++) grad[gradOffset + i * c + k] = weight * (Math.exp(y[i * c + k]) - occupancy[k]);
  }
  return -logP;
}
