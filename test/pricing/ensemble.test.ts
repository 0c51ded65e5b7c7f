import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FEATURES, HORIZON, WINDOW } from '../../src/pricing/features.js';
import { mergeLstms } from '../../training/pricing/ensemble.js';
import { buildLstm, extractWeights, modelFromWeights } from '../../training/pricing/lstm.js';

describe('ensemble folding', () => {
  it('one block-diagonal LSTM computes exactly the mean of its members', async () => {
    await tf.setBackend('cpu');
    const members = [11, 22, 33].map((seed) => {
      const m = buildLstm(WINDOW, FEATURES, HORIZON, 5, seed);
      // Non-zero biases so every gate's placement matters.
      m.setWeights(m.getWeights().map((w, i) => (i === 2 || i === 4 ? tf.randomUniform(w.shape, -1, 1, 'float32', seed) : w)));
      return m;
    });
    const n = 6;
    const x = tf.randomNormal([n, WINDOW, FEATURES], 0, 1, 'float32', 5);
    const each = members.map((m) => (m.predict(x) as tf.Tensor).dataSync());
    const merged = mergeLstms(members.map((m) => extractWeights(m, WINDOW, FEATURES, HORIZON)));
    expect(merged.units).toBe(15);
    const got = (modelFromWeights(merged).predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo((each[0][i] + each[1][i] + each[2][i]) / 3, 5);
  });
});
