/**
 * Renders in parallel child processes (rendering is single-threaded JS + sharp): a job's index range
 * is cut into one contiguous slice per worker and the slices are joined in index order, so the
 * result does not depend on the number of workers.
 */
import { forkTs } from './child-process.js';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { concatDatasets, type BuildOptions, type TensorDataset } from './tensor-dataset.js';
import { writeEvalLabels, type EvalSetOptions } from './eval-set.js';
import type { RenderJob } from './render-worker.js';
import { assertChineseFont, assertPatchFonts } from './font-check.js';
import { concatPatches, PATCH_SHEET, type PatchJob, type SyntheticPatches } from './value-patch-synth.js';
import { mergeHarvests, type HarvestedLines, type LineJob } from './harvest-lines.js';

const WORKER = fileURLToPath(new URL('./render-worker.ts', import.meta.url));

export const defaultWorkers = (): number => Math.max(1, availableParallelism());

function run<T>(job: RenderJob, onTick: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = forkTs(WORKER);
    let done = false;
    child.on('message', (m: { progress?: number; result?: T; error?: string }) => {
      if (m.progress) onTick();
      else if (m.error) { done = true; reject(new Error(`render worker: ${m.error}`)); }
      else if (m.result !== undefined) { done = true; resolve(m.result); }
    });
    child.on('exit', (code) => { if (!done) reject(new Error(`render worker exited with code ${code}`)); });
    child.send(job);
  });
}

const slices = (count: number, workers: number): Array<[number, number]> => {
  const k = Math.max(1, Math.min(workers, count));
  return Array.from({ length: k }, (_, i) => [Math.floor((i * count) / k), Math.floor(((i + 1) * count) / k)]);
};

export async function renderTensors(o: BuildOptions, workers: number, onProgress?: (done: number) => void): Promise<TensorDataset> {
  assertChineseFont();
  let done = 0;
  const parts = await Promise.all(slices(o.count, workers).map(([a, b]) =>
    run<TensorDataset>({ kind: 'tensors', options: { ...o, start: o.start + a, count: b - a } }, () => onProgress?.(++done))));
  for (const p of parts) if (p.photos) p.photos = p.photos.map((b) => Buffer.from(b));
  return concatDatasets(parts);
}

/** An eval-style photo folder (JPEGs + labels.csv), rendered by `workers` processes. */
export async function renderPhotoSet(o: EvalSetOptions, workers: number, onProgress?: (done: number) => void): Promise<string> {
  assertChineseFont();
  let done = 0;
  const rows = await Promise.all(slices(o.count, workers).map(([a, b]) =>
    run<string[]>({ kind: 'photos', options: o, from: a, to: b }, () => onProgress?.(++done))));
  return writeEvalLabels(o.dir, rows.flat());
}

/** Synthetic face-value patches (value-patch-synth.ts), rendered by `workers` processes in index order. */
export async function renderPatches(o: PatchJob, workers: number, onProgress?: (done: number) => void): Promise<SyntheticPatches> {
  assertChineseFont();
  assertPatchFonts();
  let done = 0;
  // Whole sheets per worker, so the result is the same for any number of workers.
  const sheets = Math.ceil(o.count / PATCH_SHEET);
  const parts = await Promise.all(slices(sheets, workers).map(([a, b]) => {
    const start = a * PATCH_SHEET; const end = Math.min(o.count, b * PATCH_SHEET);
    return run<SyntheticPatches>({ kind: 'patches', options: { ...o, start: o.start + start, count: end - start } }, () => onProgress?.(++done));
  }));
  return concatPatches(parts);
}

/** The line reader's training lines of photos 0..count-1 (harvest-lines.ts), harvested by `workers` processes, in photo order. */
export async function renderLines(o: LineJob, count: number, workers: number, onProgress?: (done: number) => void): Promise<HarvestedLines> {
  assertChineseFont();
  let done = 0;
  const parts = await Promise.all(slices(count, workers).map(([a, b]) =>
    run<HarvestedLines>({ kind: 'lines', options: o, from: a, to: b }, () => onProgress?.(++done))));
  return mergeHarvests(parts);
}
