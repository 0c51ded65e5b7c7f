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
import type { Point } from '../../src/recognition/geometry.js';

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
