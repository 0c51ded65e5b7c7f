import type * as tfns from '@tensorflow/tfjs';
import { FEATURES, HORIZON, WINDOW } from '../../src/pricing/features.js';
import { buildLstm, extractWeights } from './lstm.js';
import type { LstmWeights } from './lstm-weights.js';
import type { Progress } from './progress.js';
import { createRng } from './rng.js';

type Tf = typeof tfns;

/** A member stops once its learning rate has decayed below this share of the start: later epochs barely move it. */
export const MIN_LEARNING_RATE_FRACTION = 0.05;
type Tensor = tfns.Tensor;

export interface MemberData {
  xTrain: tfns.Tensor3D;
  yTrain: tfns.Tensor2D;
  xCal: tfns.Tensor3D;
  yCal: tfns.Tensor2D;
}

export interface MemberOptions {
  seed: number;
  epochs: number;
  units: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number; // per epoch
  patience: number;
  dropout: number;
  progress: Progress;
  progressOffset: number; // batches done before this member
  label: string;
}

export interface MemberResult {
  seed: number;
  weights: LstmWeights;
  calPred: Float32Array; // [calibration.n, HORIZON], best epoch
  epochsRun: number;
  bestEpoch: number;
  finalLoss: number;
  validationLoss: number;
}

/**
 * Weighted L1 on the normalised log-ratios: the headline metric is MAE, and L1 fits the conditional
 * median, which is robust to the heavy-tailed shocks. One step ahead weighs most (quotes use it).
 */
function weightedL1(tf: Tf): (yTrue: Tensor, yPred: Tensor) => Tensor {
  const w = tf.tensor2d([Array.from({ length: HORIZON }, (_, h) => (h === 0 ? 3 : 1))]);
  const total = HORIZON + 2;
  return (yTrue, yPred) => tf.tidy(() => tf.div(tf.sum(tf.mul(tf.abs(tf.sub(yTrue, yPred)), w)), (yTrue.shape[0] ?? 1) * total));
}

/** Trains one ensemble member with early stopping on the calibration loss and keeps its best epoch. */
export async function trainMember(tf: Tf, data: MemberData, o: MemberOptions): Promise<MemberResult> {
  const n = data.xTrain.shape[0];
  const model = buildLstm(WINDOW, FEATURES, HORIZON, o.units, o.seed, o.dropout);
  const optimizer = tf.train.adam(o.learningRate);
  model.compile({ optimizer, loss: weightedL1(tf) });
  const rng = createRng(o.seed);
  const batchesPerEpoch = Math.ceil(n / o.batchSize);
  let best = { loss: Number.POSITIVE_INFINITY, weights: model.getWeights().map((w) => w.clone()), epoch: 0 };
  let finalLoss = Number.NaN;
  let epochsRun = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    // Geometric decay: later epochs refine instead of jumping between minima.
    const decay = Math.pow(o.learningRateDecay, epoch);
    if (decay < MIN_LEARNING_RATE_FRACTION) break;
    (optimizer as unknown as { learningRate: number }).learningRate = o.learningRate * decay;
    // Seeded shuffle (tfjs's own shuffle uses Math.random).
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const idx = tf.tensor1d(order, 'int32');
    const xs = tf.gather(data.xTrain, idx);
    const ys = tf.gather(data.yTrain, idx);
    const at = o.progressOffset + epoch * batchesPerEpoch;
    const h = await model.fit(xs, ys, {
      epochs: 1,
      batchSize: o.batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: { onBatchEnd: async (batch, logs) => o.progress.update(at + batch + 1, { [o.label]: `${epoch + 1}/${o.epochs}`, loss: (logs?.loss ?? 0).toFixed(4) }) },
    });
    tf.dispose([idx, xs, ys]);
    finalLoss = Number(h.history.loss[0]);
    const valTensor = model.evaluate(data.xCal, data.yCal, { batchSize: 1024 }) as tfns.Scalar;
    const val = (await valTensor.data())[0];
    valTensor.dispose();
    epochsRun = epoch + 1;
    o.progress.update(at + batchesPerEpoch, { [o.label]: `${epochsRun}/${o.epochs}`, loss: finalLoss.toFixed(4), val: val.toFixed(4) });
    if (val < best.loss) {
      tf.dispose(best.weights);
      best = { loss: val, weights: model.getWeights().map((w) => w.clone()), epoch: epochsRun };
    } else if (epochsRun - best.epoch >= o.patience) {
      break;
    }
  }
  model.setWeights(best.weights);
  const predTensor = model.predict(data.xCal, { batchSize: 1024 }) as Tensor;
  const calPred = (await predTensor.data()) as Float32Array;
  const weights = extractWeights(model, WINDOW, FEATURES, HORIZON);
  tf.dispose([predTensor, ...best.weights]);
  model.dispose();
  return { seed: o.seed, weights, calPred, epochsRun, bestEpoch: best.epoch, finalLoss, validationLoss: best.loss };
}
