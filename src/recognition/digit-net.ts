/**
 * The digit classifier's network: standardised glyph features (digit-glyph.ts) → one hidden ReLU
 * layer → ten digit probabilities. Trained by training/recognition/train-digit-net.ts; small
 * enough (~41k weights) to run in plain JS in about 0.1 ms a glyph, features included.
 */
import { softmax } from './calibration.js';

export interface DigitNet {
  featureMean: number[];
  featureStd: number[];
  /** hidden × features, and hidden biases. */
  w1: number[][];
  b1: number[];
  /** 10 × hidden, and the ten output biases. */
  w2: number[][];
  b2: number[];
  /** Tesseract's reads of the training glyphs: how many true t it read as r, as [t][r]. */
  readCounts: number[][];
}

/** Hidden activations and output logits of one feature vector. */
export function forward(net: DigitNet, features: ArrayLike<number>): { hidden: Float64Array; logits: Float64Array } {
  const x = new Float64Array(features.length);
  for (let i = 0; i < x.length; i++) x[i] = (features[i] - net.featureMean[i]) / net.featureStd[i];
  const hidden = new Float64Array(net.w1.length);
  for (let h = 0; h < hidden.length; h++) {
    const w = net.w1[h];
    let s = net.b1[h];
    for (let i = 0; i < x.length; i++) s += w[i] * x[i];
    hidden[h] = s > 0 ? s : 0;
  }
  const logits = new Float64Array(net.w2.length);
  for (let k = 0; k < logits.length; k++) {
    const w = net.w2[k];
    let s = net.b2[k];
    for (let h = 0; h < hidden.length; h++) s += w[h] * hidden[h];
    logits[k] = s;
  }
  return { hidden, logits };
}

export function digitProbs(net: DigitNet, features: ArrayLike<number>, temperature = 1): number[] {
  return softmax(forward(net, features).logits, temperature);
}

/**
 * The digit most likely given the glyph and tesseract's reading of it: the network's probabilities,
 * tempered (it is overconfident on fonts it never saw), times how often tesseract reads each true
 * digit as `read` (the two as independent evidence). Tesseract's systematic slips (a dotted 0 read
 * as 6) have a likelihood the network can overcome; a slip it made fewer than `minSlips` times in
 * training is not evidence of a pattern, and is ruled out.
 */
export function checkedDigit(net: DigitNet, features: ArrayLike<number>, read: number, o: { temperature: number; minSlips: number }): number {
  const p = digitProbs(net, features, o.temperature).map((v, t) => {
    const row = net.readCounts[t];
    const n = row.reduce((a, b) => a + b, 0);
    return n > 0 && (t === read || row[read] >= o.minSlips) ? (v * row[read]) / n : 0;
  });
  return p.indexOf(Math.max(...p));
}
