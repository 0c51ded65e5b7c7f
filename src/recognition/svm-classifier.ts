/** HOG + linear SVM baseline / fallback classifier (no corner output, so no OCR rectification). */
import { readFileSync } from 'node:fs';
import { softmax } from './calibration.js';
import type { FaceValueClassifier } from './classifier.js';
import { hogFeatures } from './hog.js';
import { standardize, svmScores, type LinearSvmModel } from './linear-svm.js';

export function svmClassifierFromModel(model: LinearSvmModel): FaceValueClassifier {
  return {
    name: 'svm',
    async classify(inputs) {
      return inputs.map((x) => {
        const f = standardize(model, hogFeatures(x));
        return {
          carrierProbs: softmax(svmScores(model.carrier, f), model.carrier.temperature),
          denomProbs: softmax(svmScores(model.denom, f), model.denom.temperature),
          corners: null,
        };
      });
    },
    async close() {},
  };
}

export function loadSvmClassifier(path: string): FaceValueClassifier {
  return svmClassifierFromModel(JSON.parse(readFileSync(path, 'utf8')) as LinearSvmModel);
}
