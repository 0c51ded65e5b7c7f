/**
 * Builds the face-value classifier a model directory serves (or the one asked for), the same way
 * the recognizer does; `close()` releases every session it opened. Used by training's gate and
 * evaluation, which must judge exactly what would be served.
 */
import { join } from 'node:path';
import { AppError } from '../core/errors.js';
import { ensemble, type FaceValueClassifier } from './classifier.js';
import { readModelMeta, type ModelMeta, type ServingMode } from './model-meta.js';
import { createOnnxClassifier } from './onnx-classifier.js';
import { loadSvmClassifier } from './svm-classifier.js';
import { createTwoStageClassifier } from './two-stage-classifier.js';

export interface ServedClassifier {
  meta: ModelMeta;
  serving: ServingMode;
  classifier: FaceValueClassifier;
  /** The stage-1 CNN (inside `classifier` unless serving 'svm'): it predicts the card corners in every mode. */
  cnn: FaceValueClassifier;
  close(): Promise<void>;
}

export async function createServedClassifier(dir: string, serving?: ServingMode): Promise<ServedClassifier> {
  const meta = readModelMeta(dir);
  const mode = serving ?? meta.serving;
  const cnn = await createOnnxClassifier({ path: join(dir, meta.cnn.file), temperatureCarrier: meta.cnn.temperatureCarrier, temperatureDenom: meta.cnn.temperatureDenom });
  let classifier: FaceValueClassifier;
  if (mode === 'two-stage' || mode === 'two-stage-ensemble') {
    if (!meta.stage2) throw new AppError('model_unavailable', 503, 'Service unavailable', { detail: `model ${meta.version} has no stage-2 network` });
    classifier = await createTwoStageClassifier(cnn, { path: join(dir, meta.stage2.file), temperatureCarrier: meta.stage2.temperatureCarrier,
      temperatureDenom: meta.stage2.temperatureDenom, withStage1: mode === 'two-stage-ensemble', crop: meta.stage2.crop });
  } else {
    const svm = loadSvmClassifier(join(dir, meta.svm.file));
    classifier = mode === 'cnn' ? cnn : mode === 'svm' ? svm : ensemble([cnn, svm]);
  }
  return {
    meta, serving: mode, classifier, cnn,
    async close() {
      await Promise.all([classifier.close(), classifier === cnn || mode === 'ensemble' ? Promise.resolve() : cnn.close()]);
    },
  };
}
