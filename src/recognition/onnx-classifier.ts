/** The CNN served by onnxruntime-node (one intra-op thread: requests run in parallel instead). */
import * as ort from 'onnxruntime-node';
import { softmax } from './calibration.js';
import type { FaceValueClassifier, FaceValueOutput } from './classifier.js';
import type { Point } from './geometry.js';
import { INPUT_SIZE } from './preprocess.js';

export interface OnnxClassifierOptions { path: string; temperatureCarrier: number; temperatureDenom: number; threads?: number }

export async function createOnnxClassifier(o: OnnxClassifierOptions): Promise<FaceValueClassifier & { rawLogits(inputs: Float32Array[]): Promise<{ carrier: number[][]; denom: number[][]; corners: number[][] }> }> {
  const session = await ort.InferenceSession.create(o.path, { intraOpNumThreads: o.threads ?? 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const S = INPUT_SIZE;
  async function rawLogits(inputs: Float32Array[]) {
    const batch = new Float32Array(inputs.length * S * S * 3);
    inputs.forEach((x, i) => batch.set(x, i * S * S * 3));
    const res = await session.run({ image: new ort.Tensor('float32', batch, [inputs.length, S, S, 3]) });
    const rows = (name: string, width: number) => {
      const d = res[name].data as Float32Array;
      return inputs.map((_, i) => Array.from(d.subarray(i * width, (i + 1) * width)));
    };
    return { carrier: rows('carrier_logits', 3), denom: rows('denom_logits', 8), corners: rows('corners', 8) };
  }
  return {
    name: 'cnn',
    rawLogits,
    async classify(inputs): Promise<FaceValueOutput[]> {
      const r = await rawLogits(inputs);
      return inputs.map((_, i) => ({
        carrierProbs: softmax(r.carrier[i], o.temperatureCarrier),
        denomProbs: softmax(r.denom[i], o.temperatureDenom),
        corners: [0, 1, 2, 3].map((k): Point => [r.corners[i][2 * k] * S, r.corners[i][2 * k + 1] * S]),
      }));
    },
    async close() {
      await session.release();
    },
  };
}
