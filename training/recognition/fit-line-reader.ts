/**
 * Trains the line reader of a model directory (src/recognition/line-reader.ts): renders photos of
 * training designs from seeds of their own (LINE_SEED in the training fonts, LINE_SEED + 1 in the
 * training and extra patch fonts), cuts their number lines with the model's own corners and line
 * finder (harvest-lines.ts), trains the CTC network on nine photos in ten (train-line-reader.ts),
 * reads the tenth, exports line-reader.onnx with a parity check against tfjs, and notes the fit in
 * the model card.
 *
 *   tsx training/recognition/fit-line-reader.ts --model-dir models/recognition [--photos 2400] [--extended-photos 1200] [--epochs 20] [--workers N]
 *   (--workers: processes that render and harvest, and replicas that share each training batch, reader-replicas.ts; one per core by default)
 *   (--values: the value reader instead, on the big print of the first 1,600 and 800 of the same photos: value-reader.ts)
 *   (--harvest A[,B…][+C[,D…]]: train on lines saved by harvest-lines.ts instead of harvesting, the
 *    training-font parts before the "+", the extended-font parts after it;
 *    --held-out FILE: also read lines of held-out designs after each epoch, for development)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderLines, defaultWorkers } from './render-pool.js';
import { batchData, exactRates, readHarvest, toLines, trainLineReader, type Line } from './train-line-reader.js';
import { mergeHarvests, type HarvestedLines, type LineJob } from './harvest-lines.js';
import { exportLineReaderOnnx, lineReaderParity, loadLineReaderWeights } from './line-reader-onnx.js';
import { LINE_READER_FILE } from '../../src/recognition/line-reader.js';
import { VALUE_READER_FILE } from '../../src/recognition/value-reader.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

/** Line photos' seed: not an evaluation, calibration, development or glyph seed. */
export const LINE_SEED = 600_001;
export const LINE_PHOTOS = 2400;
export const LINE_EXTENDED_PHOTOS = 1200;
export const LINE_EPOCHS = 20;
/**
 * The value reader (value-reader.ts) learns the big print of the first two thirds of the same
 * photos: one short line a photo, and its task, a few digits and a unit to skip, is simpler.
 */
export const VALUE_PHOTOS = 1600;
export const VALUE_EXTENDED_PHOTOS = 800;
export const VALUE_EPOCHS = 20;

/** What a reader is trained on, the file it is exported to and its entry in the model card. */
export type ReaderKind = 'numbers' | 'values';
const READERS: Record<ReaderKind, { file: string; card: 'lineReader' | 'valueReader'; name: string; fields: Array<Line['field']> }> = {
  numbers: { file: LINE_READER_FILE, card: 'lineReader', name: 'line reader', fields: ['serial', 'pin', 'other'] },
  values: { file: VALUE_READER_FILE, card: 'valueReader', name: 'value reader', fields: ['value', 'tall'] },
};
const BATCH = 24;
const LEARNING_RATE = 0.002;

export interface LineReaderFit {
  seed: number; photos: number; extendedFontPhotos: number; trainLines: number; validationLines: number; epochs: number;
  /** Processes that shared each batch (reader-replicas.ts): the batch statistics are each one's share's. */
  replicas: number;
  /** Exact reads of the validation photos' lines (training designs, photos never trained on). */
  validation: Record<string, number>; finalLoss: number; onnxParityMaxAbsDiff: number; seconds: number;
}

/**
 * The lines of LINE_SEED's photos in the training fonts and LINE_SEED + 1's in the extended ones,
 * cut with the model's own corners and line finder (harvest-lines.ts): for one reader, or both.
 */
export async function harvestReaderLines(modelDir: string, o: { photos: number; extendedPhotos: number; workers: number; seed?: number; target: LineJob['target']; log: (m: string) => void }): Promise<HarvestedLines[]> {
  const seed = o.seed ?? LINE_SEED;
  const harvests: HarvestedLines[] = [];
  const what = o.target === 'values' ? 'big print' : o.target === 'both' ? 'number lines and big print' : 'number lines';
  for (const [fonts, jobSeed, count] of [['training', seed, o.photos], ['extended', seed + 1, o.extendedPhotos]] as const) {
    if (count === 0) continue;
    o.log(`reader lines: cutting the ${what} of ${count} photos (seed ${jobSeed}, training designs, ${fonts} fonts)`);
    let done = 0;
    harvests.push(await renderLines({ seed: jobSeed, split: 'train', modelDir, fonts, target: o.target }, count, o.workers, () => { if (++done % 200 === 0) o.log(`reader lines: ${done}/${count} photos`); }));
  }
  return harvests;
}

export async function fitLineReader(modelDir: string, o: { kind?: ReaderKind; photos: number; extendedPhotos: number; epochs: number; workers: number; seed?: number; harvests?: HarvestedLines[]; heldOut?: HarvestedLines; log: (m: string) => void }): Promise<LineReaderFit> {
  const t0 = Date.now();
  const kind = o.kind ?? 'numbers';
  const { file, card, name, fields } = READERS[kind];
  const log = (m: string) => o.log(`${name}: ${m}`);
  const seed = o.seed ?? LINE_SEED;
  const harvests = o.harvests ?? await harvestReaderLines(modelDir, { ...o, seed, target: kind });
  // Each harvest's photos are numbered from 0: the lines of the first `photos` (`extendedPhotos`) are trained on.
  const limits = [o.photos, o.extendedPhotos];
  const lines = harvests.flatMap((h, i) => toLines(h).filter((l) => fields.includes(l.field) && l.photo < limits[i]));
  const height = harvests[0].height;
  // Every tenth photo's lines are held out to measure the fit.
  const isVal = (l: Line) => l.photo % 10 === 9;
  const train = lines.filter((l) => !isVal(l)); const val = lines.filter(isVal);
  log(`${train.length} training lines, ${val.length} validation lines; ${o.epochs} epochs`);
  let finalLoss = NaN;
  // The value reader starts from the folder's line reader: it knows digits already and learns the big print's styles and units.
  const init = kind === 'values' ? await loadLineReaderWeights(join(modelDir, LINE_READER_FILE)) : undefined;
  const wt = await trainLineReader({ train, val, init, heldOut: o.heldOut ? toLines(o.heldOut).filter((l) => fields.includes(l.field)) : undefined, height, seed, epochs: o.epochs, batch: BATCH, lr: LEARNING_RATE, replicas: o.workers,
    log: (m: string, loss: number) => { finalLoss = loss; log(m); } });
  const path = join(modelDir, file);
  exportLineReaderOnnx(wt, height, path);
  const probe = val.slice(0, 4);
  const { data, width } = batchData(probe, height);
  const parity = await lineReaderParity(wt, path, data, probe.length, height, width);
  if (parity > 1e-3) throw new Error(`${name}: ONNX export differs from tfjs by ${parity}`);
  const fit: LineReaderFit = {
    seed, photos: Math.min(o.photos, harvests[0]?.photos ?? 0), extendedFontPhotos: Math.min(o.extendedPhotos, harvests[1]?.photos ?? 0), trainLines: train.length, validationLines: val.length, epochs: o.epochs, replicas: Math.max(1, o.workers),
    validation: exactRates(wt, val, height), finalLoss: Number(finalLoss.toFixed(4)), onnxParityMaxAbsDiff: parity, seconds: Math.round((Date.now() - t0) / 1000),
  };
  const metaPath = join(modelDir, 'model.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
  meta.card[card] = { file, ...fit, date: new Date().toISOString() };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return fit;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    'model-dir': { type: 'string', default: 'models/recognition' }, values: { type: 'boolean', default: false },
    photos: { type: 'string' }, 'extended-photos': { type: 'string' }, epochs: { type: 'string' }, workers: { type: 'string', default: String(defaultWorkers()) }, harvest: { type: 'string' },
    // Development only: lines of held-out designs (harvest-lines.ts --split holdout) read after every epoch.
    'held-out': { type: 'string' },
  } });
  // Saved harvests: the training-font photos' parts first, then the extended-font ones ("a,b+c,d").
  const harvests = values.harvest?.split('+').map((group) => mergeHarvests(group.split(',').map(readHarvest)));
  const v = values.values;
  const fit = await fitLineReader(values['model-dir']!, { kind: v ? 'values' : 'numbers', photos: Number(values.photos ?? (v ? VALUE_PHOTOS : LINE_PHOTOS)),
    extendedPhotos: Number(values['extended-photos'] ?? (v ? VALUE_EXTENDED_PHOTOS : LINE_EXTENDED_PHOTOS)), epochs: Number(values.epochs ?? (v ? VALUE_EPOCHS : LINE_EPOCHS)), workers: Number(values.workers), harvests, heldOut: values['held-out'] ? readHarvest(values['held-out']) : undefined, log: console.log });
  console.log(JSON.stringify(fit));
}

if (process.argv[1]?.endsWith('fit-line-reader.ts')) await main();
