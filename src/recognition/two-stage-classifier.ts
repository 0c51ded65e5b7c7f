/**
 * Stage 1 (whole photo → corners + coarse guess) then stage 2 (upright card crop → face value).
 * With the decoded photo at hand the crop comes from it (legible digits); without, from the letterbox.
 */
import { dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { softmax } from './calibration.js';
import { CROP_H, CROP_W, cropCard } from './card-crop.js';
import type { FaceValueClassifier, SourceImage } from './classifier.js';
import type { Point } from './geometry.js';
import { readModelMeta } from './model-meta.js';
import { INPUT_SIZE, toPhotoPoints } from './preprocess.js';
import { cropQuad, stage2Dims, type CropShape, type PixelSource } from './stage2-crop.js';
import { valuePatch } from './value-patch.js';

export interface TwoStageOptions { path: string; temperatureCarrier: number; temperatureDenom: number; withStage1: boolean; crop?: CropShape }

const FULL_FRAME: Point[] = [[0, 0], [INPUT_SIZE, 0], [INPUT_SIZE, INPUT_SIZE], [0, INPUT_SIZE]];

/** The stage-2 input for one photo: from the decoded photo when given, else from the letterbox. */
export function stage2Input(crop: CropShape | undefined, input: Float32Array, corners: Point[] | null, source?: SourceImage): Float32Array {
  const q = corners ?? FULL_FRAME;
  if (!crop) return cropCard(input, corners ?? [[0, 0], [95, 0], [95, 95], [0, 95]]);
  let src: PixelSource = { data: input, width: INPUT_SIZE, height: INPUT_SIZE, channels: 3, unit: 1 };
  let quad = q;
  if (source) {
    const { data, width, height, channels } = source.image;
    src = { data, width, height, channels, unit: 255 };
    quad = toPhotoPoints(source, q);
  }
  return crop.patch ? valuePatch(src, quad, crop.grow, crop.patch) : cropQuad(src, quad, crop);
}

export async function createTwoStageClassifier(stage1: FaceValueClassifier, o: TwoStageOptions): Promise<FaceValueClassifier & { rawLogits(crops: Float32Array[]): Promise<{ carrier: number[][]; denom: number[][] }> }> {
  const session = await ort.InferenceSession.create(o.path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  // The crop shape belongs to the trained network: taken from its model.json when the caller does not say.
  const crop = o.crop ?? readModelMeta(dirname(o.path)).stage2?.crop;
  const [h, w] = crop ? [stage2Dims(crop).height, stage2Dims(crop).width] : [CROP_H, CROP_W];
  const C3 = w * h * 3;
  async function rawLogits(crops: Float32Array[]) {
    const batch = new Float32Array(crops.length * C3);
    crops.forEach((c, i) => batch.set(c, i * C3));
    const res = await session.run({ image: new ort.Tensor('float32', batch, [crops.length, h, w, 3]) });
    const rows = (name: string, k: number) => crops.map((_, i) => Array.from((res[name].data as Float32Array).subarray(i * k, (i + 1) * k)));
    return { carrier: rows('carrier_logits', 3), denom: rows('denom_logits', 8) };
  }
  return {
    name: o.withStage1 ? 'two-stage-ensemble' : 'two-stage',
    rawLogits,
    async classify(inputs, sources) {
      const first = await stage1.classify(inputs);
      const crops = inputs.map((x, i) => stage2Input(crop, x, first[i].corners, sources?.[i]));
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
