/**
 * Stage-2 input: the card warped upright out of the *decoded photo* (not the 96-px letterbox, where
 * the printed face value is only a few pixels tall) along the stage-1 corners, grown a little so a
 * corner error does not cut the number off. Each output pixel averages a k×k grid of bilinear
 * samples, so a 1600-px photo and a 480-px training render shrink to the same kind of picture.
 */
import { homographyFromPoints, type Point } from './geometry.js';

/**
 * width × height × grow: the upright card crop. With `patch`, stage 2 reads only the face-value
 * region found on that card (value-patch.ts), at patch.width × patch.height.
 */
export interface CropShape { width: number; height: number; grow: number; patch?: { width: number; height: number } }

/** The stage-2 network's input size. */
export const stage2Dims = (c: CropShape): { width: number; height: number } => c.patch ?? { width: c.width, height: c.height };

/** Pixels to sample from: uint8 RGB(A) photos or [0, 1] float letterboxes. */
export interface PixelSource { data: ArrayLike<number>; width: number; height: number; channels: number; unit: number }

const MAX_SUPERSAMPLE = 8;

/** Grows a quad about its centroid. */
export function growQuad(q: Point[], f: number): Point[] {
  const cx = q.reduce((s, p) => s + p[0], 0) / q.length;
  const cy = q.reduce((s, p) => s + p[1], 0) / q.length;
  return q.map(([x, y]): Point => [cx + (x - cx) * f, cy + (y - cy) * f]);
}

/**
 * NHWC float32 [0, 1], shape.height × shape.width × 3, sampled from `src` inside `quad` (TL, TR, BR, BL).
 * The homography is applied inline (no array per sample): the same arithmetic, in the same order, as
 * geometry.ts's applyHomography, so the crop is bit for bit what it was.
 */
export function cropQuad(src: PixelSource, quad: Point[], shape: CropShape, out = new Float32Array(shape.width * shape.height * 3)): Float32Array {
  const { width: w, height: h } = shape;
  const q = growQuad(quad, shape.grow);
  const hm = homographyFromPoints([[0, 0], [w, 0], [w, h], [0, h]], q);
  const span = Math.max(Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]) / w, Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]) / h);
  const k = Math.max(1, Math.min(MAX_SUPERSAMPLE, Math.ceil(span)));
  const { data, width: sw, height: sh, channels: ch } = src;
  const norm = 1 / (k * k * src.unit);
  const h0 = hm[0]; const h1 = hm[1]; const h2 = hm[2]; const h3 = hm[3]; const h4 = hm[4]; const h5 = hm[5]; const h6 = hm[6]; const h7 = hm[7]; const h8 = hm[8];
  const offs = new Float64Array(k);
  for (let i = 0; i < k; i++) offs[i] = (i + 0.5) / k;
  const maxX = sw - 1; const maxY = sh - 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0; let g = 0; let b = 0;
      for (let j = 0; j < k; j++) {
        const sy = y + offs[j];
        for (let i = 0; i < k; i++) {
          const sx = x + offs[i];
          const hw = h6 * sx + h7 * sy + h8;
          const px = (h0 * sx + h1 * sy + h2) / hw;
          const py = (h3 * sx + h4 * sy + h5) / hw;
          // Pixel centres sit at +0.5; clamp to the image (outside the photo repeats its edge).
          const fx = Math.min(Math.max(px - 0.5, 0), maxX);
          const fy = Math.min(Math.max(py - 0.5, 0), maxY);
          const x0 = Math.floor(fx); const y0 = Math.floor(fy);
          const x1 = Math.min(x0 + 1, maxX); const y1 = Math.min(y0 + 1, maxY);
          const ax = fx - x0; const ay = fy - y0;
          const w00 = (1 - ax) * (1 - ay); const w10 = ax * (1 - ay); const w01 = (1 - ax) * ay; const w11 = ax * ay;
          const o00 = (y0 * sw + x0) * ch; const o10 = (y0 * sw + x1) * ch; const o01 = (y1 * sw + x0) * ch; const o11 = (y1 * sw + x1) * ch;
          r += data[o00] * w00 + data[o10] * w10 + data[o01] * w01 + data[o11] * w11;
          g += data[o00 + 1] * w00 + data[o10 + 1] * w10 + data[o01 + 1] * w01 + data[o11 + 1] * w11;
          b += data[o00 + 2] * w00 + data[o10 + 2] * w10 + data[o01 + 2] * w01 + data[o11 + 2] * w11;
        }
      }
      const o = (y * w + x) * 3;
      out[o] = r * norm; out[o + 1] = g * norm; out[o + 2] = b * norm;
    }
  }
  return out;
}
