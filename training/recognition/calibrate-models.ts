/**
 * Temperature-scales every classifier on the calibration split, measures them there and picks the
 * serving mode (highest accuracy; ties go to the simpler model).
 */
import type * as tf from '@tensorflow/tfjs';
import { predictLogits } from './train-cnn.js';
import { stage2Logits } from './train-stage2.js';
import { datasetFeatures } from './train-svm.js';
import type { TensorDataset } from './tensor-dataset.js';
import { argmax, expectedCalibrationError, fitTemperature, softmax } from '../../src/recognition/calibration.js';
import { standardize, svmScores, type LinearSvmModel } from '../../src/recognition/linear-svm.js';
import type { Point } from '../../src/recognition/geometry.js';
import type { ServingMode } from '../../src/recognition/model-meta.js';
import { decodeImage, INPUT_SIZE, letterbox } from '../../src/recognition/preprocess.js';
import { stage2Input } from '../../src/recognition/two-stage-classifier.js';

export interface ValMetrics { accuracy: number; carrierAccuracy: number; denomAccuracy: number; ece: number }
type Probs = { c: number[][]; d: number[][] };

export interface Calibration {
  stage1: { tC: number; tD: number; cornerErrorPx: number };
  stage2?: { tC: number; tD: number };
  metrics: Partial<Record<ServingMode, ValMetrics>>;
  serving: ServingMode;
}

export function metricsOf(p: Probs, ds: TensorDataset): ValMetrics {
  let c = 0; let d = 0; let both = 0;
  const conf: number[] = []; const ok: boolean[] = [];
  for (let i = 0; i < ds.n; i++) {
    const ci = argmax(p.c[i]) === ds.carrier[i];
    const di = argmax(p.d[i]) === ds.denom[i];
    c += ci ? 1 : 0; d += di ? 1 : 0; both += ci && di ? 1 : 0;
    conf.push(Math.max(...p.c[i]) * Math.max(...p.d[i]));
    ok.push(ci && di);
  }
  return { accuracy: both / ds.n, carrierAccuracy: c / ds.n, denomAccuracy: d / ds.n, ece: expectedCalibrationError(conf, ok) };
}

const avg = (a: Probs, b: Probs): Probs => ({
  c: a.c.map((r, i) => r.map((v, k) => (v + b.c[i][k]) / 2)),
  d: a.d.map((r, i) => r.map((v, k) => (v + b.d[i][k]) / 2)),
});

function scaled(logits: { carrier: number[][]; denom: number[][] }, ds: TensorDataset): { p: Probs; tC: number; tD: number } {
  const tC = fitTemperature(logits.carrier, Array.from(ds.carrier));
  const tD = fitTemperature(logits.denom, Array.from(ds.denom));
  return { tC, tD, p: { c: logits.carrier.map((l) => softmax(l, tC)), d: logits.denom.map((l) => softmax(l, tD)) } };
}

/** Stage-2 inputs exactly as serving builds them: decoded photo, letterbox transform, predicted corners. */
async function servedCrops(val: TensorDataset, corners: Point[][]): Promise<Float32Array[]> {
  if (!val.photos) throw new Error('the calibration split needs its photos (render it with keepPhotos)');
  const out: Float32Array[] = [];
  for (let i = 0; i < val.n; i++) {
    const image = await decodeImage(val.photos[i]);
    const lb = await letterbox(image);
    out.push(stage2Input(val.crop, lb.input, corners[i], { image, scale: lb.scale, padX: lb.padX, padY: lb.padY }));
  }
  return out;
}

/** Mutates `svm` (sets its temperatures). */
export async function calibrate(stage1: tf.LayersModel, stage2: tf.LayersModel | null, svm: LinearSvmModel, val: TensorDataset): Promise<Calibration> {
  const l1 = predictLogits(stage1, val);
  const s1 = scaled(l1, val);
  const corners = l1.corners.map((k) => [0, 1, 2, 3].map((i): Point => [k[2 * i] * INPUT_SIZE, k[2 * i + 1] * INPUT_SIZE]));
  let err = 0;
  corners.forEach((q, i) => q.forEach(([x, y], k) => { err += Math.hypot(x - val.corners[i * 8 + 2 * k] * INPUT_SIZE, y - val.corners[i * 8 + 2 * k + 1] * INPUT_SIZE) / (4 * val.n); }));
  const feats = datasetFeatures(val).map((f) => standardize(svm, f));
  const sv = scaled({ carrier: feats.map((f) => svmScores(svm.carrier, f)), denom: feats.map((f) => svmScores(svm.denom, f)) }, val);
  svm.carrier.temperature = sv.tC;
  svm.denom.temperature = sv.tD;
  const metrics: Calibration['metrics'] = { cnn: metricsOf(s1.p, val), svm: metricsOf(sv.p, val), ensemble: metricsOf(avg(s1.p, sv.p), val) };
  let s2: { p: Probs; tC: number; tD: number } | undefined;
  if (stage2) {
    // Calibrated on crops cut along the *predicted* corners: what serving will see.
    s2 = scaled(stage2Logits(stage2, await servedCrops(val, corners), val.crop), val);
    metrics['two-stage'] = metricsOf(s2.p, val);
    metrics['two-stage-ensemble'] = metricsOf(avg(s1.p, s2.p), val);
  }
  const order: ServingMode[] = ['cnn', 'two-stage', 'two-stage-ensemble', 'svm', 'ensemble'];
  let serving: ServingMode = 'cnn';
  for (const m of order) if ((metrics[m]?.accuracy ?? -1) > (metrics[serving]?.accuracy ?? -1) + 0.002) serving = m;
  return { stage1: { tC: s1.tC, tD: s1.tD, cornerErrorPx: err }, stage2: s2 ? { tC: s2.tC, tD: s2.tD } : undefined, metrics, serving };
}
