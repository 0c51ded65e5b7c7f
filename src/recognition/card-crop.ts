/**
 * Stage-2 input: the card cut out of the letterboxed model input along the corners the stage-1 CNN
 * predicted, warped upright to CROP_W × CROP_H. Reading the face value from an upright card is a
 * much easier problem than reading it from a rotated card in clutter.
 */
import { homographyFromPoints, applyHomography, type Point } from './geometry.js';
import { INPUT_SIZE } from './preprocess.js';

export const CROP_W = 80;
export const CROP_H = 50;

export function cropCard(input: Float32Array, corners: Point[], size = INPUT_SIZE, w = CROP_W, h = CROP_H): Float32Array {
  const hm = homographyFromPoints([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], corners);
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = applyHomography(hm, x, y);
      const cx = Math.min(Math.max(sx, 0), size - 1);
      const cy = Math.min(Math.max(sy, 0), size - 1);
      const x0 = Math.floor(cx);
      const y0 = Math.floor(cy);
      const x1 = Math.min(x0 + 1, size - 1);
      const y1 = Math.min(y0 + 1, size - 1);
      const fx = cx - x0;
      const fy = cy - y0;
      for (let c = 0; c < 3; c++) {
        const v00 = input[(y0 * size + x0) * 3 + c];
        const v10 = input[(y0 * size + x1) * 3 + c];
        const v01 = input[(y1 * size + x0) * 3 + c];
        const v11 = input[(y1 * size + x1) * 3 + c];
        out[(y * w + x) * 3 + c] = (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy;
      }
    }
  }
  return out;
}
