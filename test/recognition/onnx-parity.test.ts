import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { initTf } from '../../training/recognition/tf-setup.js';
import { loadTfjsModel } from '../../training/recognition/tfjs-io.js';
import { Rng } from '../../training/recognition/rng.js';
import { CROP_H, CROP_W } from '../../src/recognition/card-crop.js';
import { readModelMeta } from '../../src/recognition/model-meta.js';
import { stage2Dims } from '../../src/recognition/stage2-crop.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';
import { MODEL_DIR } from './helpers/fixtures.js';

/** Runs the committed tfjs weights and the exported ONNX graph on the same inputs. */
async function parity(tfjsDir: string, onnxFile: string, h: number, w: number): Promise<number> {
  const model = await loadTfjsModel(join(MODEL_DIR, tfjsDir));
  const session = await ort.InferenceSession.create(join(MODEL_DIR, onnxFile));
  const rng = new Rng(3);
  const n = 3;
  const data = Float32Array.from({ length: n * h * w * 3 }, () => rng.next());
  const outs = model.predict(tf.tensor4d(data, [n, h, w, 3])) as tf.Tensor[];
  const res = await session.run({ image: new ort.Tensor('float32', data, [n, h, w, 3]) });
  const names = ['carrier_logits', 'denom_logits', 'corners'];
  let max = 0;
  for (let k = 0; k < outs.length; k++) {
    const a = outs[k].dataSync();
    const b = res[names[k]].data as Float32Array;
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  }
  await session.release();
  return max;
}

describe('ONNX export matches tfjs', () => {
  beforeAll(async () => { await initTf('wasm'); });

  it('stage 1 (whole photo → carrier, face value, corners)', async () => {
    expect(await parity('tfjs', 'cnn.onnx', INPUT_SIZE, INPUT_SIZE)).toBeLessThan(1e-3);
  }, 60_000);

  it('stage 2 (card crop → carrier, face value)', async () => {
    // Older models cut an 80×50 crop from the letterbox; newer ones record their crop shape.
    const crop = readModelMeta(MODEL_DIR).stage2?.crop;
    const d = crop ? stage2Dims(crop) : { height: CROP_H, width: CROP_W };
    expect(await parity('tfjs-stage2', 'card-cnn.onnx', d.height, d.width)).toBeLessThan(1e-3);
  }, 60_000);
});
