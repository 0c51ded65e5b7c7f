/**
 * The shared training loop (tfjs wasm): Adam with cosine decay over the planned steps or the time
 * budget (whichever binds first), on-the-fly photometric augmentation (brightness, contrast, colour
 * cast, noise) on top of the rendered geometric variety, loss = CE(carrier) + CE(face value)
 * [+ λ·MSE(corners)]. Stops at the epoch count or the time budget.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from './rng.js';

export interface Batch { x: tf.Tensor4D; carrier: number[]; denom: number[]; corners?: number[] }

export interface LoopOptions {
  model: tf.LayersModel;
  n: number;
  /** Builds the (un-augmented, [0, 1]) batch for these sample indices. */
  batch: (idx: number[], rng: Rng) => Batch;
  epochs: number;
  maxSeconds: number;
  seed: number;
  batchSize?: number;
  learningRate?: number;
  cornerWeight?: number;
  log?: (msg: string) => void;
  onStep?: (step: number, steps: number) => void;
}

export interface LoopResult { seconds: number; epochsRun: number; steps: number; lastLoss: number }

export function augment(x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const n = x.shape[0];
  return tf.tidy(() => {
    const gain = tf.tensor4d(Array.from({ length: n }, () => rng.range(0.7, 1.3)).flatMap((g) => [g * rng.range(0.92, 1.08), g * rng.range(0.92, 1.08), g * rng.range(0.92, 1.08)]), [n, 1, 1, 3]);
    const contrast = tf.tensor4d(Array.from({ length: n }, () => rng.range(0.7, 1.2)), [n, 1, 1, 1]);
    const shift = tf.tensor4d(Array.from({ length: n }, () => rng.range(-0.08, 0.08)), [n, 1, 1, 1]);
    const mean = x.mean([1, 2, 3], true);
    const noise = tf.randomNormal(x.shape, 0, rng.range(0, 0.04), 'float32', rng.int(0, 1e9));
    return x.sub(mean).mul(contrast).add(mean).mul(gain).add(shift).add(noise).clipByValue(0, 1) as tf.Tensor4D;
  });
}

export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const bs = o.batchSize ?? 32;
  const lr0 = o.learningRate ?? 2e-3;
  const opt = tf.train.adam(lr0);
  const rng = new Rng(o.seed * 7919 + 1);
  const perEpoch = Math.floor(o.n / bs);
  const total = perEpoch * o.epochs;
  const t0 = Date.now();
  const elapsed = () => (Date.now() - t0) / 1000;
  let step = 0;
  let lastLoss = NaN;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = Array.from({ length: o.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j], order[i]]; }
    for (let s = 0; s < perEpoch; s++, step++) {
      const progress = Math.min(1, Math.max(step / total, elapsed() / o.maxSeconds));
      (opt as unknown as { learningRate: number }).learningRate = 1e-4 + 0.5 * (lr0 - 1e-4) * (1 + Math.cos(Math.PI * progress));
      const b = o.batch(order.slice(s * bs, (s + 1) * bs), rng);
      const x = augment(b.x, rng);
      b.x.dispose();
      const yc = tf.oneHot(tf.tensor1d(b.carrier, 'int32'), 3);
      const yd = tf.oneHot(tf.tensor1d(b.denom, 'int32'), 8);
      const yk = b.corners ? tf.tensor2d(b.corners, [b.carrier.length, 8]) : null;
      const loss = opt.minimize(() => {
        const out = o.model.apply(x, { training: true }) as tf.Tensor[];
        let l = tf.losses.softmaxCrossEntropy(yc, out[0]).add(tf.losses.softmaxCrossEntropy(yd, out[1]));
        if (yk) l = l.add(tf.losses.meanSquaredError(yk, out[2]).mul(o.cornerWeight ?? 30));
        return l as tf.Scalar;
      }, true);
      lastLoss = loss ? (await loss.data())[0] : NaN;
      tf.dispose([x, yc, yd, ...(yk ? [yk] : []), ...(loss ? [loss] : [])]);
      o.onStep?.(step + 1, total);
      if (step % 50 === 0) o.log?.(`${o.model.name} epoch ${epoch} step ${step}/${total} loss ${lastLoss.toFixed(4)} (${elapsed().toFixed(0)} s)`);
      if (elapsed() > o.maxSeconds) return { seconds: elapsed(), epochsRun: epoch + (s + 1) / perEpoch, steps: step + 1, lastLoss };
    }
  }
  return { seconds: elapsed(), epochsRun: o.epochs, steps: step, lastLoss };
}
