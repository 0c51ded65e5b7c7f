/**
 * Stage 2: a small CNN that reads carrier and face value from the upright card crop cut out of the
 * photo (src/recognition/stage2-crop.ts). Each step picks one of the sample's jittered crops, so it
 * learns to tolerate the stage-1 corner error.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelShape } from './model.js';
import { trainLoop, type LoopResult } from './train-loop.js';
import { cropBytes, type TensorDataset } from './tensor-dataset.js';
import type { StageTrainOptions } from './train-cnn.js';
import { stage2Dims, type CropShape } from '../../src/recognition/stage2-crop.js';
import type { SyntheticPatches } from './value-patch-synth.js';

/**
 * The face-value patch (value-patch.ts) of the upright card, 64×24: the number ~17 px tall, centred.
 * A CNN learns that in a few hundred steps; on the whole 80×48 card it was still at chance after 700.
 */
export const STAGE2_CROP: CropShape = { width: 160, height: 100, grow: 1.04, patch: { width: 64, height: 24 } };

export const stage2Shape = (c: CropShape): ModelShape => ({ ...stage2Dims(c), corners: false, name: 'card_face_cnn', filters: [16, 32, 64], dense: 96 });

/**
 * With `synthetic` patches (value-patch-synth.ts) every epoch is the photos' crops plus as many
 * synthetic patches drawn at random: half of each batch comes from photos (the real cut-out, with
 * its localisation errors), half from the far more varied synthetic print.
 */
export async function trainStage2(o: StageTrainOptions & { synthetic?: SyntheticPatches }): Promise<LoopResult & { model: tf.LayersModel }> {
  const ds = o.train;
  const syn = o.synthetic && o.synthetic.n > 0 ? o.synthetic : undefined;
  const model = buildModel(o.seed + 100, stage2Shape(ds.crop));
  const CB = cropBytes(ds.crop);
  const r = await trainLoop({ model, n: syn ? 2 * ds.n : ds.n, epochs: o.epochs, maxSeconds: o.maxSeconds, seed: o.seed + 100, log: o.log, onStep: o.onStep,
    batch: (idx, rng) => {
      const buf = new Float32Array(idx.length * CB);
      const carrier: number[] = []; const denom: number[] = [];
      idx.forEach((k, j) => {
        if (k < ds.n) {
          const off = (k * ds.perImage + rng.int(0, ds.perImage - 1)) * CB;
          for (let i = 0; i < CB; i++) buf[j * CB + i] = ds.crops[off + i] / 255;
          carrier.push(ds.carrier[k]); denom.push(ds.denom[k]);
        } else {
          const s = rng.int(0, syn!.n - 1);
          for (let i = 0; i < CB; i++) buf[j * CB + i] = syn!.crops[s * CB + i] / 255;
          carrier.push(syn!.carrier[s]); denom.push(syn!.denom[s]);
        }
      });
      return { x: tf.tensor4d(buf, [idx.length, stage2Dims(ds.crop).height, stage2Dims(ds.crop).width, 3]), carrier, denom };
    } });
  return { ...r, model };
}

/** Stage-2 logits for ready-made crops (NHWC float [0, 1]). */
export function stage2Logits(model: tf.LayersModel, crops: Float32Array[], crop: CropShape): { carrier: number[][]; denom: number[][] } {
  const out = { carrier: [] as number[][], denom: [] as number[][] };
  const CB = cropBytes(crop);
  for (let s = 0; s < crops.length; s += 64) {
    const n = Math.min(64, crops.length - s);
    const buf = new Float32Array(n * CB);
    for (let j = 0; j < n; j++) buf.set(crops[s + j], j * CB);
    const x = tf.tensor4d(buf, [n, stage2Dims(crop).height, stage2Dims(crop).width, 3]);
    const [c, d] = model.predict(x) as tf.Tensor[];
    out.carrier.push(...(c.arraySync() as number[][]));
    out.denom.push(...(d.arraySync() as number[][]));
    tf.dispose([x, c, d]);
  }
  return out;
}
