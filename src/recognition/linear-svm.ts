/** Linear one-vs-rest SVM scoring (weights trained by training/recognition/train-svm.ts). */

export interface LinearSvmHead {
  /** classes × features */
  weights: number[][];
  bias: number[];
  temperature: number;
}

export interface LinearSvmModel {
  featureMean: number[];
  featureStd: number[];
  carrier: LinearSvmHead;
  denom: LinearSvmHead;
}

export function standardize(model: Pick<LinearSvmModel, 'featureMean' | 'featureStd'>, f: ArrayLike<number>): Float64Array {
  const out = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = (f[i] - model.featureMean[i]) / model.featureStd[i];
  return out;
}

export function svmScores(head: Pick<LinearSvmHead, 'weights' | 'bias'>, x: ArrayLike<number>): number[] {
  return head.weights.map((w, c) => {
    let s = head.bias[c];
    for (let i = 0; i < w.length; i++) s += w[i] * x[i];
    return s;
  });
}
