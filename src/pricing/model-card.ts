import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What models/pricing/model-card.json records about a trained forecaster. */
export interface IntervalCalibration {
  level: number; // nominal coverage, e.g. 0.8
  /** Per horizon (index h-1): quantiles of normalised residuals on the calibration period. */
  low: number[];
  high: number[];
}

export interface EvaluationReport {
  n: number;
  mape: number;
  mae: number;
  baselines: Record<'naive' | 'seasonalNaive' | 'ewma', { mape: number; mae: number }>;
  coverage80: number;
  bestBaseline: string;
  maeVsBestBaseline: number; // model MAE / best baseline MAE - 1 (negative = better)
  perHorizon?: Array<{ horizon: number; n: number; mape: number; coverage80: number }>;
}

export interface ModelCard {
  name: 'pricing-lstm';
  version: string;
  createdAt: string;
  framework: string;
  files: { onnx: string; weights: string };
  /** `units` is the served LSTM's width; an ensemble of `members` nets of `unitsPerMember` is folded into it. */
  architecture: { window: number; features: number; horizon: number; units: number; members?: number; unitsPerMember?: number; recurrentActivation: string };
  data: { path: string; sha256: string; rows: number; series: number; firstDate: string; lastDate: string; generator?: unknown };
  split: { evaluation: string; calibration: string; training: string };
  training: {
    seed: number; dropout?: number; epochs: number; epochsRun: number; batchSize: number; learningRate: number; seconds: number;
    trainWindows: number; calibrationWindows: number; finalLoss: number; validationLoss: number;
    learningRateDecay?: number; loss?: string;
    /** Shares of training windows without peers / with unrelated peers, and random-walk series added. */
    augmentation?: { peerDropout: number; foreignPeers: number; randomWalkSeries: number; sticky?: number };
    members?: Array<{ seed: number; epochsRun: number; bestEpoch: number; validationLoss: number }>;
  };
  intervals: IntervalCalibration;
  metrics: EvaluationReport;
  gate: { passed: boolean; maxMape: number; reasons: string[] };
}

export function readModelCard(dir: string): ModelCard {
  return JSON.parse(readFileSync(join(dir, 'model-card.json'), 'utf8')) as ModelCard;
}
