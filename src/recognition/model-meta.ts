/** What `models/recognition/model.json` records: files, calibration, serving choice and the model card. */
import type { PlattMap } from './calibration.js';
import { projectPath } from '../core/paths.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';
import type { CropShape } from './stage2-crop.js';

/**
 * cnn: stage 1 alone · svm: HOG+SVM · ensemble: mean of cnn and svm · two-stage: stage 2 on the
 * stage-1 crop · two-stage-ensemble: mean of stage 1 and stage 2.
 */
export type ServingMode = 'cnn' | 'svm' | 'ensemble' | 'two-stage' | 'two-stage-ensemble';

export interface ModelMeta {
  version: string;
  createdAt: string;
  inputSize: number;
  cnn: { file: string; temperatureCarrier: number; temperatureDenom: number };
  /**
   * Stage 2: face value read from the card cropped along the stage-1 corners. `crop` (width, height,
   * grow) cuts it from the decoded photo; without `crop` (older models) it is cut 80×50 from the letterbox.
   */
  stage2?: { file: string; temperatureCarrier: number; temperatureDenom: number; crop?: CropShape };
  svm: { file: string };
  /** Temperatures applied after fusing the classifier with OCR evidence (fitted on calibration photos). */
  ocrFusion?: { carrierTemperature: number; denomTemperature: number; confidence?: PlattMap };
  /** Which classifier serves: chosen on the validation set at training time. */
  serving: ServingMode;
  /** Below this calibrated confidence a result says needsReview. */
  reviewThreshold: number;
  card: Record<string, unknown>;
}

export function defaultModelDir(): string {
  return projectPath('models', 'recognition');
}

export function readModelMeta(dir: string): ModelMeta {
  try {
    return JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelMeta;
  } catch (e) {
    throw new AppError('model_unavailable', 503, 'Service unavailable', { detail: `no recognition model in ${dir}; run cardrecycle train recognition`, cause: e });
  }
}
