import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cropQuad, growQuad } from '../../src/recognition/stage2-crop.js';
import { stage2Input } from '../../src/recognition/two-stage-classifier.js';
import { DET_H, DET_W, findValueBox } from '../../src/recognition/value-patch.js';
import { initTf } from '../../training/recognition/tf-setup.js';
import { buildModel, STAGE1 } from '../../training/recognition/model.js';
import { stage2Shape, STAGE2_CROP } from '../../training/recognition/train-stage2.js';
import { exportOnnx, onnxParity } from '../../training/recognition/onnx-export.js';
import { Rng } from '../../training/recognition/rng.js';
import { applyHomography, homographyFromPoints, type Point } from '../../src/recognition/geometry.js';

/** A 200×100 photo: left half red, right half blue. */
function halves(): { data: Uint8Array; width: number; height: number; channels: number } {
  const width = 200; const height = 100;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x < 100 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  return { data, width, height, channels: 3 };
}

describe('stage-2 crop', () => {
  const shape = { width: 20, height: 10, grow: 1 };
  it('warps the quad upright from the full-resolution photo, averaging the pixels under each output pixel', () => {
    const img = halves();
    const quad: Point[] = [[0, 0], [200, 0], [200, 100], [0, 100]];
    const out = cropQuad({ ...img, unit: 255 }, quad, shape);
    expect(out[0]).toBeCloseTo(1, 3); // top-left: red
    expect(out[2]).toBeCloseTo(0, 3);
    const last = (10 * 20 - 1) * 3;
    expect(out[last + 2]).toBeCloseTo(1, 3); // bottom-right: blue
    // the output column straddling x = 100 is a 50/50 mix, not a single aliased sample
    const a = cropQuad({ ...img, unit: 255 }, [[90, 0], [110, 0], [110, 100], [90, 100]], { width: 1, height: 1, grow: 1 });
    expect(a[0]).toBeCloseTo(0.5, 1);
  });

  it('reads a mirrored quad mirrored (corner order TL, TR, BR, BL is respected)', () => {
    const img = halves();
    const out = cropQuad({ ...img, unit: 255 }, [[200, 0], [0, 0], [0, 100], [200, 100]], shape);
    expect(out[2]).toBeCloseTo(1, 3);
  });

  it('is bit for bit the straightforward per-sample warp (applyHomography for every supersample)', () => {
    // The reference: cropQuad as first written, one applyHomography call per sample.
    function reference(src: { data: ArrayLike<number>; width: number; height: number; channels: number; unit: number }, quad: Point[], s: { width: number; height: number; grow: number }): Float32Array {
      const { width: w, height: h } = s;
      const q = growQuad(quad, s.grow);
      const hm = homographyFromPoints([[0, 0], [w, 0], [w, h], [0, h]], q);
      const span = Math.max(Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]) / w, Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]) / h);
      const k = Math.max(1, Math.min(8, Math.ceil(span)));
      const { data, width: sw, height: sh, channels: ch } = src;
      const out = new Float32Array(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        let r = 0; let g = 0; let b = 0;
        for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) {
          const [px, py] = applyHomography(hm, x + (i + 0.5) / k, y + (j + 0.5) / k);
          const fx = Math.min(Math.max(px - 0.5, 0), sw - 1); const fy = Math.min(Math.max(py - 0.5, 0), sh - 1);
          const x0 = Math.floor(fx); const y0 = Math.floor(fy); const x1 = Math.min(x0 + 1, sw - 1); const y1 = Math.min(y0 + 1, sh - 1);
          const ax = fx - x0; const ay = fy - y0;
          const w00 = (1 - ax) * (1 - ay); const w10 = ax * (1 - ay); const w01 = (1 - ax) * ay; const w11 = ax * ay;
          const o00 = (y0 * sw + x0) * ch; const o10 = (y0 * sw + x1) * ch; const o01 = (y1 * sw + x0) * ch; const o11 = (y1 * sw + x1) * ch;
          r += data[o00] * w00 + data[o10] * w10 + data[o01] * w01 + data[o11] * w11;
          g += data[o00 + 1] * w00 + data[o10 + 1] * w10 + data[o01 + 1] * w01 + data[o11 + 1] * w11;
          b += data[o00 + 2] * w00 + data[o10 + 2] * w10 + data[o01 + 2] * w01 + data[o11 + 2] * w11;
        }
        const norm = 1 / (k * k * src.unit);
        const o = (y * w + x) * 3; out[o] = r * norm; out[o + 1] = g * norm; out[o + 2] = b * norm;
      }
      return out;
    }
    const rng = new Rng(11);
    const photo = { data: Uint8Array.from({ length: 640 * 480 * 3 }, () => Math.floor(rng.next() * 256)), width: 640, height: 480, channels: 3, unit: 255 };
    const lbox = { data: Float32Array.from({ length: 96 * 96 * 3 }, () => rng.next()), width: 96, height: 96, channels: 3, unit: 1 };
    for (let t = 0; t < 12; t++) {
      const src = t % 2 ? photo : lbox;
      const size = src.width * (0.2 + 0.9 * rng.next()); const a = rng.next() * 6.3; // some quads reach past the image edge
      const cx = src.width * rng.next(); const cy = src.height * rng.next();
      const quad = ([[-1, -0.6], [1, -0.7], [1.1, 0.6], [-1, 0.65]] as const).map(([u, v]): Point => [cx + size * (u * Math.cos(a) - v * Math.sin(a)), cy + size * (u * Math.sin(a) + v * Math.cos(a))]);
      const s = t % 3 ? { width: 160, height: 100, grow: 1.04 } : { width: 64, height: 24, grow: 1 };
      expect(Buffer.from(cropQuad(src, quad, s).buffer).equals(Buffer.from(reference(src, quad, s).buffer))).toBe(true);
    }
  });

  it('grows the quad about its centre', () => {
    expect(growQuad([[0, 0], [10, 0], [10, 10], [0, 10]], 1.2)).toEqual([[-1, -1], [11, -1], [11, 11], [-1, 11]]);
  });

  it('maps stage-1 corners (letterbox pixels) back into the photo', () => {
    const image = halves();
    // letterbox of 200×100 into 96: scale 0.48, padY 24
    const src = { image, scale: 0.48, padX: 0, padY: 24 };
    const right: Point[] = [[53, 24], [96, 24], [96, 72], [53, 72]]; // photo x 110…200
    const out = stage2Input(shape, new Float32Array(96 * 96 * 3), right, src);
    expect(out[2]).toBeCloseTo(1, 3); // right half only: blue everywhere
    expect(out[0]).toBeCloseTo(0, 3);
  });
});

describe('CNN export', () => {
  beforeAll(async () => { await initTf('wasm'); });

  it('stage 1 (input average-pool) and stage 2 (card crop, batch norm folded) match tfjs in onnxruntime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recog-export-'));
    const rng = new Rng(5);
    const s2 = stage2Shape(STAGE2_CROP);
    const d = [s2.height, s2.width];
    for (const [shape, hw] of [[STAGE1, [96, 96]], [{ ...s2, batchNorm: true }, d], [{ ...s2, batchNorm: false }, d]] as const) {
      const model = buildModel(3, shape);
      // Non-trivial batch-norm statistics, so the folding is really exercised.
      for (const l of model.layers.filter((l) => l.name.startsWith('bn'))) {
        l.setWeights(l.getWeights().map((w, k) => tf.tensor1d(Array.from({ length: w.size }, () => (k === 3 ? 0.5 + rng.next() : rng.next() - 0.5)))));
      }
      const file = join(dir, `${shape.name}-${shape.batchNorm ? 'bn' : 'plain'}.onnx`);
      exportOnnx(model, file, [hw[0], hw[1]]);
      const x = Float32Array.from({ length: 2 * hw[0] * hw[1] * 3 }, () => rng.next());
      expect(await onnxParity(model, file, x, 2, [hw[0], hw[1]])).toBeLessThan(1e-4);
    }
  }, 60_000);
});

describe('face-value patch', () => {
  /** A light card with small "print" everywhere and three tall ring-shaped "digits" at the bottom right. */
  function card(): Float32Array {
    const g = new Float32Array(DET_W * DET_H).fill(0.85);
    const rect = (x0: number, y0: number, w: number, h: number, v: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) g[y * DET_W + x] = v;
    };
    for (let i = 0; i < 12; i++) rect(8 + i * 7, 10, 4, 6, 0.2); // small print
    for (let i = 0; i < 3; i++) { rect(90 + i * 18, 60, 13, 28, 0.1); rect(93 + i * 18, 64, 7, 20, 0.85); } // "000"
    return g;
  }

  it('finds the tallest row of glyphs', () => {
    const b = findValueBox(card())!;
    expect(b.u0 * DET_W).toBeLessThanOrEqual(90);
    expect(b.u1 * DET_W).toBeGreaterThanOrEqual(139);
    expect(b.v0 * DET_H).toBeCloseTo(60, 0);
    expect(b.v1 * DET_H).toBeCloseTo(88, 0);
  });

  it('ignores a solid blob (a fingertip) of face-value size', () => {
    const g = card();
    for (let y = 20; y < 60; y++) for (let x = 20; x < 50; x++) g[y * DET_W + x] = 0.3;
    expect(findValueBox(g)!.u0 * DET_W).toBeGreaterThan(80);
  });
});
