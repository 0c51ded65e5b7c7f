/**
 * Trains the line reader (src/recognition/line-reader.ts): a small convolutional network that
 * reads a reader patch (reader-patch.ts) column by column into digits and blanks, with the CTC
 * loss (ctc.ts), on the lines harvest-lines.ts cut from generated training photos.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { initTf } from './tf-setup.js';
import { ctcLossAndGrad } from './ctc.js';
import { greedyDecode } from '../../src/recognition/ctc-decode.js';
import { LINE_READER_CLASSES } from '../../src/recognition/line-reader.js';
import { Rng } from './rng.js';
import type { HarvestedLine, HarvestedLines } from './harvest-lines.js';
import { startReplicas, type ReplicaShard } from './reader-replicas.js';

export const CLASSES = LINE_READER_CLASSES;
/** Conv stages: filters, and the pooling after each (height, width). */
export const CONV_STAGES: Array<{ filters: number; pool: [number, number] }> = [
  { filters: 16, pool: [2, 2] }, { filters: 32, pool: [2, 2] }, { filters: 64, pool: [2, 1] },
];
export const SEQ_UNITS = 128;
/** Columns of context the sequence layer sees on each side (a kernel of 2·SEQ_CONTEXT + 1). */
export const SEQ_CONTEXT = 1;

/**
 * Share of the lines with nothing to read (harvest-lines.ts, field 'other') trained on each
 * epoch, drawn afresh each time: every one of them is seen over the epochs while an epoch costs
 * about a quarter more than on the numbers alone, not four fifths more.
 */
export const OTHER_LINES_PER_EPOCH = 1 / 3;

export interface Line { data: Uint8Array; width: number; label: number[]; field: HarvestedLine['field']; photo: number }

/** The harvest's lines with their patches. */
export function toLines(h: HarvestedLines): Line[] {
  let off = 0;
  return h.lines.map((l) => {
    const data = h.pixels.subarray(off, off + l.width * h.height);
    off += l.width * h.height;
    return { data, width: l.width, label: [...l.label].map(Number), field: l.field, photo: l.photo };
  });
}

/** A harvest saved as FILE.json (index) and FILE.bin (pixels), as harvest-lines.ts writes it. */
export function readHarvest(base: string): HarvestedLines {
  const index = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { height: number; lines: HarvestedLine[]; from: number; to: number };
  return { height: index.height, lines: index.lines, pixels: readFileSync(`${base}.bin`), photos: index.to - index.from };
}

/**
 * A conv stage with batch normalisation, the usual help for a CTC network to leave the plateau
 * where it emits only blanks (with it, 3,151 training lines left it in the second epoch; without
 * it, 335 lines had not after 340 steps, with it neither: the data mattered most). Scale and
 * shift are learnt, the running mean and variance kept for reading; the export folds them into
 * the convolution (line-reader-onnx.ts).
 */
export interface ConvStage { w: tf.Variable; gamma: tf.Variable; beta: tf.Variable; mean: Float32Array; variance: Float32Array }
export interface Weights { convs: ConvStage[]; seq: { w: tf.Variable; b: tf.Variable }; out: { w: tf.Variable; b: tf.Variable } }
export const BN_EPSILON = 1e-3;
/** Each conv stage's batch mean and variance per channel. */
export type BatchStats = Array<{ mean: Float32Array; variance: Float32Array }>;
const BN_MOMENTUM = 0.9;

export function initWeights(height: number, seed: number): Weights {
  let cin = 1; let k = 0;
  const he = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed + k++));
  const convs = CONV_STAGES.map(({ filters }) => {
    const w = he([3, 3, cin, filters], 9 * cin); cin = filters;
    return { w, gamma: tf.variable(tf.ones([filters])), beta: tf.variable(tf.zeros([filters])), mean: new Float32Array(filters), variance: new Float32Array(filters).fill(1) };
  });
  const rows = CONV_STAGES.reduce((h, s) => h / s.pool[0], height);
  const feat = rows * cin; const kw = 2 * SEQ_CONTEXT + 1;
  return {
    convs,
    seq: { w: he([kw, feat, SEQ_UNITS], kw * feat), b: tf.variable(tf.zeros([SEQ_UNITS])) },
    out: { w: tf.variable(tf.randomNormal([SEQ_UNITS, CLASSES], 0, Math.sqrt(1 / SEQ_UNITS), 'float32', seed + 99)), b: tf.variable(tf.zeros([CLASSES])) },
  };
}

/**
 * [B, H, W, 1] patches → [B, W / 4, CLASSES] logits. `batchStats`: normalise by the batch's own
 * statistics and hand them over (training); otherwise the running ones are used.
 */
export function forward(wt: Weights, x: tf.Tensor4D, batchStats?: BatchStats): tf.Tensor3D {
  let h: tf.Tensor4D = x;
  wt.convs.forEach(({ w, gamma, beta, mean, variance }, i) => {
    const c = tf.conv2d(h, w as tf.Tensor4D, 1, 'same');
    let m: tf.Tensor = tf.tensor1d(mean); let v: tf.Tensor = tf.tensor1d(variance);
    if (batchStats) {
      ({ mean: m, variance: v } = tf.moments(c, [0, 1, 2]));
      batchStats.push({ mean: m.dataSync() as Float32Array, variance: v.dataSync() as Float32Array });
    }
    h = tf.relu(tf.add(tf.mul(tf.sub(c, m), tf.mul(gamma, tf.rsqrt(tf.add(v, BN_EPSILON)))), beta)) as tf.Tensor4D;
    h = tf.maxPool(h, CONV_STAGES[i].pool, CONV_STAGES[i].pool, 'valid');
  });
  const [bs, rows, cols, ch] = h.shape;
  const seqIn = tf.reshape(tf.transpose(h, [0, 2, 1, 3]), [bs, cols, rows * ch]) as tf.Tensor3D;
  const seq = tf.relu(tf.add(tf.conv1d(seqIn, wt.seq.w as tf.Tensor3D, 1, 'same'), wt.seq.b));
  const out = tf.add(tf.matMul(tf.reshape(seq, [bs * cols, SEQ_UNITS]), wt.out.w as tf.Tensor2D), wt.out.b);
  return tf.reshape(out, [bs, cols, CLASSES]);
}

/** Width of a batch: its widest patch, rounded up to what the pooling divides evenly. */
const STRIDE = CONV_STAGES.reduce((s, c) => s * c.pool[1], 1);

export interface Aug { stretch: number; contrast: number; shift: number }

/** A patch resampled to `stretch` × its width, shifted `shift` rows, its ink scaled by `contrast`, into a W-wide row of the batch. */
function drawInto(dst: Float32Array, off: number, height: number, W: number, l: Line, a: Aug): number {
  const w = Math.min(W, Math.max(8, Math.round(l.width * a.stretch)));
  for (let v = 0; v < height; v++) {
    const sv = v - a.shift;
    if (sv < 0 || sv >= height) continue;
    for (let u = 0; u < w; u++) {
      const su = Math.min(l.width - 1, Math.floor(((u + 0.5) * l.width) / w));
      dst[off + v * W + u] = (l.data[sv * l.width + su] / 255) * a.contrast;
    }
  }
  return w;
}

const NO_AUG: Aug = { stretch: 1, contrast: 1, shift: 0 };

/** The lines as one NHWC batch (ink 0..1), padded on the right to a width the pooling divides; unaugmented by default. */
export function batchData(lines: Line[], height: number, augs: Aug[] = lines.map(() => NO_AUG)): { data: Float32Array; width: number } {
  const maxW = Math.max(...lines.map((l, i) => Math.round(l.width * augs[i].stretch)));
  const W = Math.ceil(maxW / STRIDE) * STRIDE;
  const data = new Float32Array(lines.length * height * W);
  lines.forEach((l, i) => drawInto(data, i * height * W, height, W, l, augs[i]));
  return { data, width: W };
}

function batchTensor(lines: Line[], height: number, augs: Aug[]): { x: tf.Tensor4D; cols: number } {
  const { data, width } = batchData(lines, height, augs);
  return { x: tf.tensor4d(data, [lines.length, height, width, 1]), cols: width / STRIDE };
}

/** Batches of similar widths (little padding), in random order. */
function batches(lines: Line[], size: number, rng: Rng | null): Line[][] {
  const sorted = [...lines].sort((a, b) => a.width - b.width);
  const out: Line[][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push(sorted.slice(i, i + size));
  if (rng) for (let i = out.length - 1; i > 0; i--) { const j = rng.int(0, i); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}

export function readLines(wt: Weights, lines: Line[], height: number): string[] {
  const texts: string[] = [];
  const index = new Map(lines.map((l, i) => [l, i]));
  for (const b of batches(lines, 32, null)) {
    const { x, cols } = batchTensor(b, height, b.map(() => NO_AUG));
    const logits = tf.tidy(() => forward(wt, x)).dataSync();
    x.dispose();
    b.forEach((l, i) => {
      // Columns past this line's own width are padding.
      const t = Math.ceil(l.width / STRIDE);
      const row = logits.subarray(i * cols * CLASSES, (i * cols + t) * CLASSES);
      texts[index.get(l)!] = greedyDecode(row, t, CLASSES).symbols.join('');
    });
  }
  return texts;
}

/** Exact reads per field (revealed numbers, face values), and the covered panels and other lines read as nothing; fields without lines are left out. */
export function exactRates(wt: Weights, lines: Line[], height: number): Record<string, number> {
  const texts = readLines(wt, lines, height);
  const rate = (keep: (l: Line) => boolean, ok: (l: Line, t: string) => boolean) => {
    const idx = lines.flatMap((l, i) => (keep(l) ? [i] : []));
    return idx.length ? Number((idx.filter((i) => ok(lines[i], texts[i])).length / idx.length).toFixed(4)) : NaN;
  };
  const rates = {
    serial: rate((l) => l.field === 'serial', (l, t) => t === l.label.join('')),
    pin: rate((l) => l.field === 'pin' && l.label.length > 0, (l, t) => t === l.label.join('')),
    coveredBlank: rate((l) => l.field === 'pin' && l.label.length === 0, (_, t) => t === ''),
    otherBlank: rate((l) => l.field === 'other', (_, t) => t === ''),
    value: rate((l) => l.field === 'value', (l, t) => t === l.label.join('')),
    tallBlank: rate((l) => l.field === 'tall', (_, t) => t === ''),
  };
  return Object.fromEntries(Object.entries(rates).filter(([, v]) => !Number.isNaN(v)));
}

/**
 * Sets each conv stage's scale and shift so that, normalised by the statistics of batch `x`, it
 * gives what its running statistics give: a reader loaded from a file (line-reader-onnx.ts) then
 * starts training as the reader it was, not with its stages' outputs rescaled.
 */
function matchBatchStats(wt: Weights, x: tf.Tensor4D): void {
  // Stage by stage: a stage's statistics are those of its inputs once the stages before it match.
  wt.convs.forEach((c, i) => {
    const stats: BatchStats = [];
    tf.tidy(() => { forward(wt, x, stats); });
    const gamma = c.gamma.dataSync(); const beta = c.beta.dataSync();
    const g = new Float32Array(gamma.length); const bt = new Float32Array(beta.length);
    for (let k = 0; k < g.length; k++) {
      const run = Math.sqrt(c.variance[k] + BN_EPSILON);
      g[k] = (gamma[k] * Math.sqrt(stats[i].variance[k] + BN_EPSILON)) / run;
      bt[k] = beta[k] + (gamma[k] * (stats[i].mean[k] - c.mean[k])) / run;
    }
    c.gamma.assign(tf.tensor1d(g)); c.beta.assign(tf.tensor1d(bt));
    c.mean.set(stats[i].mean); c.variance.set(stats[i].variance);
  });
}

/** The variables a step trains, in a fixed order (the replicas exchange gradients in it). */
export function trainableVariables(wt: Weights): tf.Variable[] {
  return [...wt.convs.flatMap((c) => [c.w, c.gamma, c.beta]), wt.seq.w, wt.seq.b, wt.out.w, wt.out.b];
}

export interface ShardGradients { grads: tf.Tensor[]; loss: number; used: number; stats: BatchStats }

/**
 * One shard of a training batch (all of it, without replicas): its lines' CTC loss and its gradient
 * for every trainable variable, scaled by 1 / `batchSize`, the whole batch's, so the shards'
 * gradients add up to the batch's. `used`: lines whose label fits their width. Each conv stage is
 * normalised by the shard's own statistics, handed back in `stats`.
 */
export function shardGradients(wt: Weights, lines: Line[], augs: Aug[], height: number, batchSize: number): ShardGradients {
  const { x, cols } = batchTensor(lines, height, augs);
  const widths = lines.map((l, i) => Math.ceil(Math.round(l.width * augs[i].stretch) / STRIDE));
  let loss = 0; let used = 0;
  const ctc = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const logits = args[0] as tf.Tensor;
    const data = logits.dataSync();
    const grad = new Float32Array(data.length);
    lines.forEach((l, i) => {
      const t = Math.min(cols, widths[i]);
      const off = i * cols * CLASSES;
      const li = ctcLossAndGrad(data.subarray(off, off + t * CLASSES), t, CLASSES, l.label, grad, 1 / batchSize, off);
      if (Number.isFinite(li)) { loss += li; used++; }
    });
    return { value: tf.scalar(loss / batchSize), gradFunc: (dy: tf.Tensor) => [tf.mul(dy, tf.tensor(grad, logits.shape))] };
  });
  const stats: BatchStats = [];
  const vars = trainableVariables(wt);
  const { value, grads } = tf.variableGrads(() => ctc(forward(wt, x, stats)) as tf.Scalar, vars);
  value.dispose(); x.dispose();
  return { grads: vars.map((v) => grads[v.name]), loss, used, stats };
}

/** A batch cut into `n` shards of consecutive lines (fewer when the batch is smaller). */
function shards(lines: Line[], augs: Aug[], n: number): ReplicaShard[] {
  const k = Math.min(n, lines.length);
  return Array.from({ length: k }, (_, i) => {
    const a = Math.round((i * lines.length) / k); const b = Math.round(((i + 1) * lines.length) / k);
    return { lines: lines.slice(a, b), augs: augs.slice(a, b) };
  });
}

/**
 * `init`: weights to start from (another reader's, line-reader-onnx.ts loadLineReaderWeights) instead of random ones.
 * `replicas`: processes that share each batch (reader-replicas.ts); 1 trains here, on one core.
 */
export async function trainLineReader(o: { train: Line[]; val: Line[]; heldOut?: Line[]; height: number; seed: number; epochs: number; batch: number; lr: number; init?: Weights; replicas?: number; log: (s: string, loss: number) => void }): Promise<Weights> {
  await initTf('wasm');
  const rng = new Rng(o.seed);
  const wt = o.init ?? initWeights(o.height, o.seed);
  if (o.init) {
    const first = o.train.slice(0, 64);
    const { x } = batchTensor(first, o.height, first.map(() => ({ stretch: 1, contrast: 1, shift: 0 })));
    matchBatchStats(wt, x);
    x.dispose();
  }
  const vars = trainableVariables(wt);
  const opt = tf.train.adam(o.lr);
  const replicas = Math.max(1, o.replicas ?? 1);
  const pool = replicas > 1 ? await startReplicas(replicas, o.height) : undefined;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = Date.now();
      let lossSum = 0; let n = 0;
      // The last two epochs settle at a third and a tenth of the rate (tfjs keeps the rate protected, but reads it each step).
      (opt as unknown as { learningRate: number }).learningRate = epoch === o.epochs - 1 ? o.lr / 10 : epoch === o.epochs - 2 ? o.lr / 3 : o.lr;
      const epochLines = o.train.filter((l) => l.field !== 'other' || rng.chance(OTHER_LINES_PER_EPOCH));
      for (const b of batches(epochLines, o.batch, rng)) {
        const augs = b.map(() => ({ stretch: rng.range(0.8, 1.2), contrast: rng.range(0.5, 1), shift: rng.int(-2, 2) }));
        const cut = shards(b, augs, replicas);
        const parts = pool ? await pool.step(vars, cut, b.length) : [shardGradients(wt, b, augs, o.height, b.length)];
        const summed = tf.tidy(() => vars.map((v, i) => ({ name: v.name, tensor: parts.map((p) => p.grads[i]).reduce((s, g) => tf.add(s, g)) })));
        opt.applyGradients(summed);
        tf.dispose([...summed.map((g) => g.tensor), ...parts.flatMap((p) => p.grads)]);
        for (const p of parts) { lossSum += p.loss; n += p.used; }
        // Running statistics: the shards' statistics, weighted by their lines.
        wt.convs.forEach((c, i) => {
          for (let k = 0; k < c.mean.length; k++) {
            let mean = 0; let variance = 0;
            parts.forEach((p, j) => { const share = cut[j].lines.length / b.length; mean += share * p.stats[i].mean[k]; variance += share * p.stats[i].variance[k]; });
            c.mean[k] = BN_MOMENTUM * c.mean[k] + (1 - BN_MOMENTUM) * mean;
            c.variance[k] = BN_MOMENTUM * c.variance[k] + (1 - BN_MOMENTUM) * variance;
          }
        });
      }
      const loss = lossSum / Math.max(1, n);
      const heldOut = o.heldOut?.length ? `; held-out designs ${JSON.stringify(exactRates(wt, o.heldOut, o.height))}` : '';
      o.log(`epoch ${epoch + 1}/${o.epochs}: loss ${loss.toFixed(3)}, ${((Date.now() - t0) / 1000).toFixed(0)} s; validation ${JSON.stringify(exactRates(wt, o.val, o.height))}${heldOut}`, loss);
    }
  } finally {
    pool?.close();
  }
  return wt;
}
