import * as ort from 'onnxruntime-node';
import { FEATURES, HORIZON, WINDOW } from './features.js';

/** Runs the forecaster network on a batch of windows: [n, WINDOW, FEATURES] → [n, HORIZON]. */
export interface ModelRunner {
  predict(windows: Float32Array, n: number): Promise<Float32Array>;
}

export async function loadOnnxRunner(path: string): Promise<ModelRunner & { release(): Promise<void> }> {
  // One intra-op thread: a 28-step LSTM is too small to benefit, and the machine is shared.
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    async predict(windows, n) {
      const input = new ort.Tensor('float32', windows.subarray(0, n * WINDOW * FEATURES), [n, WINDOW, FEATURES]);
      const out = await session.run({ window: input });
      const data = out.forecast.data as Float32Array;
      if (data.length !== n * HORIZON) throw new Error(`forecast output has ${data.length} values, expected ${n * HORIZON}`);
      return data;
    },
    release: () => session.release(),
  };
}
