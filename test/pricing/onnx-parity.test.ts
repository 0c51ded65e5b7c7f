import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { readQuotesCsv } from '../../src/pricing/csv.js';
import { FEATURES, HORIZON, WINDOW, seriesContext, writeWindow } from '../../src/pricing/features.js';
import { readModelCard } from '../../src/pricing/model-card.js';
import { loadOnnxRunner } from '../../src/pricing/onnx-runner.js';
import { lstmToOnnx } from '../../training/pricing/export-onnx.js';
import type { LstmWeights } from '../../training/pricing/lstm-weights.js';
import { buildLstm, extractWeights, modelFromWeights } from '../../training/pricing/lstm.js';

const MODEL_DIR = 'models/pricing';

function someWindows(count: number): Float32Array {
  const series = readQuotesCsv('datasets/quotes.csv');
  const x = new Float32Array(count * WINDOW * FEATURES);
  for (let i = 0; i < count; i++) {
    const s = series[(i * 5) % series.length];
    const ctx = seriesContext(s.dates, s.prices);
    writeWindow(ctx, 40 + ((i * 97) % (s.prices.length - 41)), x, i * WINDOW * FEATURES);
  }
  return x;
}

describe('ONNX export parity (tfjs vs onnxruntime)', () => {
  it('the committed ONNX model matches its TF.js weights on real windows', async () => {
    await tf.setBackend('cpu');
    const card = readModelCard(MODEL_DIR);
    const weights = JSON.parse(readFileSync(`${MODEL_DIR}/${card.files.weights}`, 'utf8')) as LstmWeights;
    expect([weights.window, weights.features, weights.horizon]).toEqual([WINDOW, FEATURES, HORIZON]);
    const n = 12;
    const x = someWindows(n);
    const model = modelFromWeights(weights);
    const expected = (model.predict(tf.tensor3d(x, [n, WINDOW, FEATURES])) as tf.Tensor).dataSync();
    const runner = await loadOnnxRunner(`${MODEL_DIR}/${card.files.onnx}`);
    const got = await runner.predict(x, n);
    await runner.release();
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    // And the ONNX file is exactly what the exporter produces from these weights.
    expect(Buffer.from(lstmToOnnx(weights, '')).length).toBeGreaterThan(0);
  });

  it('gate reordering holds for a random untrained network too (hard-to-hit gate mixups)', async () => {
    await tf.setBackend('cpu');
    const model = buildLstm(WINDOW, FEATURES, HORIZON, 6, 123);
    // Push biases away from zero so every gate matters.
    model.setWeights(model.getWeights().map((w, i) => (i === 2 ? tf.randomUniform(w.shape, -1, 1, 'float32', 9) : w)));
    const weights = extractWeights(model, WINDOW, FEATURES, HORIZON);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'pricing-onnx-')), 'm.onnx');
    writeFileSync(file, lstmToOnnx(weights, 'test'));
    const n = 4;
    const x = someWindows(n);
    const expected = (model.predict(tf.tensor3d(x, [n, WINDOW, FEATURES])) as tf.Tensor).dataSync();
    const runner = await loadOnnxRunner(file);
    const got = await runner.predict(x, n);
    await runner.release();
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 4);
  });
});
