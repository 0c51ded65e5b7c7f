/**
 * Renders photos straight into model-input form (what training consumes): a raw uint8 file of
 * letterboxed 96×96 RGB images plus a JSON file of labels and card corners in model coordinates.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPhoto, type Difficulty } from './photo.js';
import type { Split } from './splits.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import { decodeImage, INPUT_SIZE, letterbox } from '../../src/recognition/preprocess.js';

export interface TensorDataset {
  n: number;
  x: Uint8Array; // n × S × S × 3
  carrier: Int32Array;
  denom: Int32Array;
  corners: Float32Array; // n × 8, in [0, 1] of the model input
}

export interface BuildOptions { seed: number; start: number; count: number; split: Split; difficulty: Difficulty; longSide: number }

export async function buildTensorDataset(o: BuildOptions, onProgress?: (done: number) => void): Promise<TensorDataset> {
  const S = INPUT_SIZE;
  const ds: TensorDataset = { n: o.count, x: new Uint8Array(o.count * S * S * 3), carrier: new Int32Array(o.count),
    denom: new Int32Array(o.count), corners: new Float32Array(o.count * 8) };
  for (let i = 0; i < o.count; i++) {
    const p = await renderPhoto(o.seed, o.start + i, { split: o.split, difficulty: o.difficulty, longSide: o.longSide });
    const lb = await letterbox(await decodeImage(p.image));
    for (let j = 0; j < S * S * 3; j++) ds.x[i * S * S * 3 + j] = Math.round(lb.input[j] * 255);
    ds.carrier[i] = CARRIERS.indexOf(p.spec.carrier);
    ds.denom[i] = DENOMINATIONS.indexOf(p.spec.denomination);
    p.corners.forEach(([x, y], k) => {
      ds.corners[i * 8 + 2 * k] = (x * lb.scale + lb.padX) / S;
      ds.corners[i * 8 + 2 * k + 1] = (y * lb.scale + lb.padY) / S;
    });
    onProgress?.(i + 1);
  }
  return ds;
}

export function saveTensorDataset(ds: TensorDataset, dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.x.u8`), ds.x);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ n: ds.n, carrier: [...ds.carrier], denom: [...ds.denom], corners: [...ds.corners] }));
}

export function loadTensorDataset(dir: string, name: string): TensorDataset {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { n: number; carrier: number[]; denom: number[]; corners: number[] };
  const x = readFileSync(join(dir, `${name}.x.u8`));
  return { n: meta.n, x: new Uint8Array(x.buffer, x.byteOffset, x.length), carrier: Int32Array.from(meta.carrier),
    denom: Int32Array.from(meta.denom), corners: Float32Array.from(meta.corners) };
}

export function concatDatasets(parts: TensorDataset[]): TensorDataset {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const S3 = INPUT_SIZE * INPUT_SIZE * 3;
  const out: TensorDataset = { n, x: new Uint8Array(n * S3), carrier: new Int32Array(n), denom: new Int32Array(n), corners: new Float32Array(n * 8) };
  let o = 0;
  for (const p of parts) {
    out.x.set(p.x, o * S3);
    out.carrier.set(p.carrier, o);
    out.denom.set(p.denom, o);
    out.corners.set(p.corners, o * 8);
    o += p.n;
  }
  return out;
}
