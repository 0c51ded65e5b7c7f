/** Softmax with temperature, temperature fitting (min NLL) and expected calibration error. */

export function softmax(logits: ArrayLike<number>, temperature = 1): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  const exps: number[] = [];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i] / temperature - max);
    exps.push(e);
    sum += e;
  }
  return exps.map((e) => e / sum);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Mean cross-entropy at temperature t against the true labels, softened by `smoothing`: the label
 * keeps 1 − smoothing, the other classes share the rest.
 */
function nll(logits: number[][], labels: number[], t: number, smoothing = 0): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = softmax(logits[i], t);
    const rest = smoothing / Math.max(1, p.length - 1);
    for (let k = 0; k < p.length; k++) {
      const target = k === labels[i] ? 1 - smoothing : rest;
      if (target > 0) s -= target * Math.log(Math.max(p[k], 1e-12));
    }
  }
  return s / logits.length;
}

/**
 * Golden-section search on log T in [0.05, 20]; NLL is unimodal in T for a fixed model. When
 * every example is right, the plain NLL falls without end as T shrinks: `smoothing` (the share of
 * errors expected where the fit will be used) gives it a finite optimum.
 */
export function fitTemperature(logits: number[][], labels: number[], smoothing = 0): number {
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (nll(logits, labels, Math.exp(a), smoothing) < nll(logits, labels, Math.exp(b), smoothing)) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

/** ECE with equal-width confidence bins: Σ |acc(bin) − conf(bin)| · n(bin)/N. */
export function expectedCalibrationError(confidences: number[], correct: boolean[], bins = 15): number {
  const n = confidences.length;
  if (n === 0) return 0;
  const sumConf = new Array<number>(bins).fill(0);
  const sumAcc = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  confidences.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    sumConf[b] += c;
    sumAcc[b] += correct[i] ? 1 : 0;
    count[b]++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) ece += Math.abs(sumAcc[b] - sumConf[b]) / n;
  return ece;
}

/** Platt scaling of a confidence: sigmoid(a · logit(c) + b). */
export interface PlattMap { a: number; b: number }

const logit = (p: number) => { const q = Math.min(1 - 1e-6, Math.max(1e-6, p)); return Math.log(q / (1 - q)); };

export function applyPlatt(m: PlattMap, c: number): number {
  return 1 / (1 + Math.exp(-(m.a * logit(c) + m.b)));
}

/**
 * Fits a, b by gradient descent on the Bernoulli NLL of `correct` given `confidences`, with a
 * light pull towards the identity (a = 1, b = 0): a calibration set has few errors, and without it
 * a handful of them could bend the map far.
 */
export function fitPlatt(confidences: number[], correct: boolean[], pull = 0.01): PlattMap {
  const x = confidences.map(logit);
  let a = 1; let b = 0;
  for (let it = 0; it < 20_000; it++) {
    let ga = 0; let gb = 0;
    for (let i = 0; i < x.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * x[i] + b)));
      const e = p - (correct[i] ? 1 : 0);
      ga += e * x[i]; gb += e;
    }
    a -= 0.05 * (ga / x.length + pull * (a - 1));
    b -= 0.05 * (gb / x.length + pull * b);
  }
  return { a, b };
}
