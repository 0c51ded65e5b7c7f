/** Stage 1 (whole photo → corners + coarse guess) then stage 2 (upright card crop → face value). */
import * as ort from 'onnxruntime-node';
import { softmax } from './calibration.js';
import { CROP_H, CROP_W, cropCard } from './card-crop.js';
import type { FaceValueClassifier } from './classifier.js';

export interface TwoStageOptions { path: string; temperatureCarrier: number; temperatureDenom: number; withStage1: boolean }

export async function createTwoStageClassifier(stage1: FaceValueClassifier, o: TwoStageOptions): Promise<FaceValueClassifier & { rawLogits(crops: Float32Array[]): Promise<{ carrier: number[][]; denom: number[][] }> }> {
  const session = await ort.InferenceSession.create(o.path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const C3 = CROP_W * CROP_H * 3;
  async function rawLogits(crops: Float32Array[]) {
    const batch = new Float32Array(crops.length * C3);
    crops.forEach((c, i) => batch.set(c, i * C3));
    const res = await session.run({ image: new ort.Tensor('float32', batch, [crops.length, CROP_H, CROP_W, 3]) });
    const rows = (name: string, w: number) => crops.map((_, i) => Array.from((res[name].data as Float32Array).subarray(i * w, (i + 1) * w)));
    return { carrier: rows('carrier_logits', 3), denom: rows('denom_logits', 8) };
  }
  return {
    name: o.withStage1 ? 'two-stage-ensemble' : 'two-stage',
    rawLogits,
    async classify(inputs) {
      const first = await stage1.classify(inputs);
      const crops = inputs.map((x, i) => cropCard(x, first[i].corners ?? [[0, 0], [95, 0], [95, 95], [0, 95]]));
      const r = await rawLogits(crops);
      return first.map((f, i) => {
        const pc = softmax(r.carrier[i], o.temperatureCarrier);
        const pd = softmax(r.denom[i], o.temperatureDenom);
        return {
          carrierProbs: o.withStage1 ? pc.map((v, k) => (v + f.carrierProbs[k]) / 2) : pc,
          denomProbs: o.withStage1 ? pd.map((v, k) => (v + f.denomProbs[k]) / 2) : pd,
          corners: f.corners,
        };
      });
    },
    async close() {
      await session.release();
    },
  };
}
