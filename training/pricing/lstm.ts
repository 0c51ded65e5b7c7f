import * as tf from '@tensorflow/tfjs';
import type { LstmWeights } from './lstm-weights.js';

/**
 * The forecaster network: one LSTM over the feature window, a dense head emitting the HORIZON
 * normalised log-ratios. `recurrentActivation: 'sigmoid'` (not TF.js's hardSigmoid default) so the
 * ONNX LSTM runs with its standard activations.
 */
export function buildLstm(window: number, features: number, horizon: number, units: number, seed: number, dropout = 0, initialise = true): tf.Sequential {
  // Without `initialise` the weights are about to be overwritten: skip the (slow, large) orthogonal init.
  const zeros = tf.initializers.zeros();
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units,
      inputShape: [window, features],
      recurrentActivation: 'sigmoid',
      // Input dropout acts in training only, so the exported graph is unchanged.
      dropout,
      kernelInitializer: initialise ? tf.initializers.glorotUniform({ seed }) : zeros,
      recurrentInitializer: initialise ? tf.initializers.orthogonal({ seed: seed + 1 }) : zeros,
    }),
  );
  model.add(tf.layers.dense({ units: horizon, kernelInitializer: initialise ? tf.initializers.glorotUniform({ seed: seed + 2 }) : zeros }));
  return model;
}

export function extractWeights(model: tf.Sequential, window: number, features: number, horizon: number): LstmWeights {
  const [kernel, recurrentKernel, bias, denseKernel, denseBias] = model.getWeights().map((w) => Array.from(w.dataSync()));
  const units = denseKernel.length / horizon;
  return { window, features, horizon, units, kernel, recurrentKernel, bias, denseKernel, denseBias, recurrentActivation: 'sigmoid' };
}

export function modelFromWeights(w: LstmWeights): tf.Sequential {
  const model = buildLstm(w.window, w.features, w.horizon, w.units, 1, 0, false);
  model.setWeights([
    tf.tensor2d(w.kernel, [w.features, 4 * w.units]),
    tf.tensor2d(w.recurrentKernel, [w.units, 4 * w.units]),
    tf.tensor1d(w.bias),
    tf.tensor2d(w.denseKernel, [w.units, w.horizon]),
    tf.tensor1d(w.denseBias),
  ]);
  return model;
}
