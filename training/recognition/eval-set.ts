/**
 * Builds an evaluation folder (JPEG photos + labels.csv) from held-out fonts, layouts, palettes and
 * backgrounds only, with a seed disjoint from training. Labels: file,carrier,denomination,serial,pin,pin_occluded
 * (pin empty unless the scratch panel is fully revealed; pin_occluded 1 where a fingertip or object
 * covers part of that revealed PIN in the photo, so no reader could get it whole).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPhoto, type Difficulty } from './photo.js';
import type { Split } from './splits.js';
import { assertChineseFont } from './font-check.js';

export interface EvalSetOptions { dir: string; kind: Exclude<Difficulty, 'train'>; count: number; seed: number; longSide?: number; split?: Split }

/** Fixed seeds so the committed labels and the regenerated images always agree. */
export const EVAL_SEEDS: Record<EvalSetOptions['kind'], number> = { standard: 900_001, hard: 900_002 };
/** Full-pipeline calibration photos: training fonts/designs/backgrounds, a seed of their own. */
export const CALIBRATION_SEED = 800_003;

export const EVAL_HEADER = 'file,carrier,denomination,serial,pin,pin_occluded';

/** Renders photos from..to-1 of a set into o.dir and returns their labels rows (render workers share a set this way). */
export async function renderEvalRows(o: EvalSetOptions, from: number, to: number, onProgress?: (done: number) => void): Promise<string[]> {
  mkdirSync(o.dir, { recursive: true });
  const rows: string[] = [];
  for (let i = from; i < to; i++) {
    const p = await renderPhoto(o.seed, i, { split: o.split ?? 'holdout', difficulty: o.kind, longSide: o.longSide ?? 1600, balanced: true });
    const file = `${o.kind}-${String(i).padStart(5, '0')}.jpg`;
    writeFileSync(join(o.dir, file), p.image);
    const revealed = p.spec.pinState === 'revealed';
    rows.push([file, p.spec.carrier, p.spec.denomination, p.spec.serial, revealed ? p.spec.pin : '', revealed && p.pinOccluded ? 1 : 0].join(','));
    onProgress?.(i + 1);
  }
  return rows;
}

export function writeEvalLabels(dir: string, rows: string[]): string {
  const labels = join(dir, 'labels.csv');
  writeFileSync(labels, [EVAL_HEADER, ...rows].join('\n') + '\n');
  return labels;
}

export async function buildEvalSet(o: EvalSetOptions, onProgress?: (done: number) => void): Promise<string> {
  assertChineseFont();
  return writeEvalLabels(o.dir, await renderEvalRows(o, 0, o.count, onProgress));
}
