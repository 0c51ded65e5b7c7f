/**
 * Renders photos straight into what training consumes: the 96×96 letterbox (stage 1, SVM), the card
 * corners in letterbox coordinates, and `perImage` stage-2 crops cut from the rendered photo along
 * jittered true corners (the jitter stands in for the stage-1 corner error). Calibration samples
 * also keep the JPEG, so stage 2 can be calibrated on crops along the *predicted* corners.
 */
import { renderPhoto, type Difficulty } from './photo.js';
import { Rng } from './rng.js';
import type { Split } from './splits.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import type { Point } from '../../src/recognition/geometry.js';
import { decodeImage, INPUT_SIZE, letterbox } from '../../src/recognition/preprocess.js';
import { stage2Dims, type CropShape } from '../../src/recognition/stage2-crop.js';
import { stage2Input } from '../../src/recognition/two-stage-classifier.js';

export const S3 = INPUT_SIZE * INPUT_SIZE * 3;

export interface TensorDataset {
  n: number;
  x: Uint8Array; // n × S × S × 3
  carrier: Int32Array;
  denom: Int32Array;
  corners: Float32Array; // n × 8, in [0, 1] of the model input
  /** n × perImage stage-2 crops (uint8 HWC). */
  crops: Uint8Array;
  crop: CropShape;
  perImage: number;
  /** JPEG bytes of every sample (only when rendered with keepPhotos). */
  photos?: Buffer[];
}

export interface BuildOptions {
  seed: number; start: number; count: number; split: Split; difficulty: Difficulty; longSide: number;
  crop: CropShape; perImage: number; jitter: number; keepPhotos?: boolean;
}

export const cropBytes = (c: CropShape): number => stage2Dims(c).width * stage2Dims(c).height * 3;

/** Corner jitter ~ N(0, (jitter · card width)²) per coordinate, drawn from the sample's own stream. */
function jittered(q: Point[], rng: Rng, jitter: number): Point[] {
  const cw = Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]);
  return q.map(([x, y]): Point => [x + rng.gauss() * jitter * cw, y + rng.gauss() * jitter * cw]);
}

export async function buildTensorDataset(o: BuildOptions, onProgress?: (done: number) => void): Promise<TensorDataset> {
  const CB = cropBytes(o.crop);
  const ds: TensorDataset = { n: o.count, x: new Uint8Array(o.count * S3), carrier: new Int32Array(o.count), denom: new Int32Array(o.count),
    corners: new Float32Array(o.count * 8), crops: new Uint8Array(o.count * o.perImage * CB), crop: o.crop, perImage: o.perImage,
    ...(o.keepPhotos ? { photos: [] as Buffer[] } : {}) };
  for (let i = 0; i < o.count; i++) {
    const p = await renderPhoto(o.seed, o.start + i, { split: o.split, difficulty: o.difficulty, longSide: o.longSide });
    const img = await decodeImage(p.image);
    const lb = await letterbox(img);
    for (let j = 0; j < S3; j++) ds.x[i * S3 + j] = Math.round(lb.input[j] * 255);
    ds.carrier[i] = CARRIERS.indexOf(p.spec.carrier);
    ds.denom[i] = DENOMINATIONS.indexOf(p.spec.denomination);
    p.corners.forEach(([x, y], k) => {
      ds.corners[i * 8 + 2 * k] = (x * lb.scale + lb.padX) / INPUT_SIZE;
      ds.corners[i * 8 + 2 * k + 1] = (y * lb.scale + lb.padY) / INPUT_SIZE;
    });
    const rng = new Rng((o.seed * 1_000_003 + o.start + i) >>> 0);
    for (let c = 0; c < o.perImage; c++) {
      // The serving path, with jittered true corners standing in for stage 1's (letterbox pixels in, photo out).
      const q = jittered(p.corners, rng, o.jitter).map(([x, y]): Point => [x * lb.scale + lb.padX, y * lb.scale + lb.padY]);
      const buf = stage2Input(o.crop, lb.input, q, { image: img, scale: lb.scale, padX: lb.padX, padY: lb.padY });
      const off = (i * o.perImage + c) * CB;
      for (let j = 0; j < CB; j++) ds.crops[off + j] = Math.round(buf[j] * 255);
    }
    ds.photos?.push(p.image);
    onProgress?.(i + 1);
  }
  return ds;
}

export function concatDatasets(parts: TensorDataset[]): TensorDataset {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const { crop, perImage } = parts[0];
  const CB = cropBytes(crop) * perImage;
  const out: TensorDataset = { n, x: new Uint8Array(n * S3), carrier: new Int32Array(n), denom: new Int32Array(n), corners: new Float32Array(n * 8),
    crops: new Uint8Array(n * CB), crop, perImage, ...(parts.every((p) => p.photos) ? { photos: parts.flatMap((p) => p.photos!) } : {}) };
  let o = 0;
  for (const p of parts) {
    out.x.set(p.x, o * S3);
    out.carrier.set(p.carrier, o);
    out.denom.set(p.denom, o);
    out.corners.set(p.corners, o * 8);
    out.crops.set(p.crops, o * CB);
    o += p.n;
  }
  return out;
}
