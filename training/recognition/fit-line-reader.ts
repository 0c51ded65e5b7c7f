/**
 * Trains the line reader of a model directory (src/recognition/line-reader.ts): renders photos of
 * training designs from seeds of their own (LINE_SEED in the training fonts, LINE_SEED + 1 in the
 * training and extra patch fonts), cuts their number lines with the model's own corners and line
 * finder (harvest-lines.ts), trains the CTC network on nine photos in ten (train-line-reader.ts),
 * reads the tenth, exports line-reader.onnx with a parity check against tfjs, and notes the fit in
 * the model card.
 *
 *   tsx training/recognition/fit-line-reader.ts --model-dir models/recognition [--photos 2400] [--extended-photos 1200] [--epochs 12]
 *   (--harvest A[,B…][+C[,D…]]: train on lines saved by harvest-lines.ts instead of harvesting, the
 *    training-font parts before the "+", the extended-font parts after it;
 *    --held-out FILE: also read lines of held-out designs after each epoch, for development)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderLines, defaultWorkers } from './render-pool.js';
import { batchData, exactRates, readHarvest, toLines, trainLineReader, type Line } from './train-line-reader.js';
import { mergeHarvests, type HarvestedLines } from './harvest-lines.js';
import { exportLineReaderOnnx, lineReaderParity } from './line-reader-onnx.js';
import { LINE_READER_FILE } from '../../src/recognition/line-reader.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

/** Line photos' seed: not an evaluation, calibration, development or glyph seed. */
export const LINE_SEED = 600_001;
export const LINE_PHOTOS = 2400;
export const LINE_EXTENDED_PHOTOS = 1200;
export const LINE_EPOCHS = 20;
const BATCH = 24;
const LEARNING_RATE = 0.002;

export interface LineReaderFit {
  seed: number; photos: number; extendedFontPhotos: number; trainLines: number; validationLines: number; epochs: number;
  /** Exact reads of the validation photos' lines (training designs, photos never trained on). */
  validation: Record<string, number>; finalLoss: number; onnxParityMaxAbsDiff: number; seconds: number;
}

export async function fitLineReader(modelDir: string, o: { photos: number; extendedPhotos: number; epochs: number; workers: number; seed?: number; harvests?: HarvestedLines[]; heldOut?: HarvestedLines; log: (m: string) => void }): Promise<LineReaderFit> {
  const t0 = Date.now();
  const seed = o.seed ?? LINE_SEED;
  let harvests = o.harvests;
  if (!harvests) {
    harvests = [];
    for (const [fonts, jobSeed, count] of [['training', seed, o.photos], ['extended', seed + 1, o.extendedPhotos]] as const) {
      if (count === 0) continue;
      o.log(`line reader: cutting the number lines of ${count} photos (seed ${jobSeed}, training designs, ${fonts} fonts)`);
      let done = 0;
      harvests.push(await renderLines({ seed: jobSeed, split: 'train', modelDir, fonts }, count, o.workers, () => { if (++done % 200 === 0) o.log(`line reader: ${done}/${count} photos`); }));
    }
  }
  const lines = harvests.flatMap(toLines);
  const height = harvests[0].height;
  // Every tenth photo's lines are held out to measure the fit.
  const isVal = (l: Line) => l.photo % 10 === 9;
  const train = lines.filter((l) => !isVal(l)); const val = lines.filter(isVal);
  o.log(`line reader: ${train.length} training lines, ${val.length} validation lines; ${o.epochs} epochs`);
  let finalLoss = NaN;
  const wt = await trainLineReader({ train, val, heldOut: o.heldOut ? toLines(o.heldOut) : undefined, height, seed, epochs: o.epochs, batch: BATCH, lr: LEARNING_RATE,
    log: (m: string, loss: number) => { finalLoss = loss; o.log(`line reader: ${m}`); } });
  const path = join(modelDir, LINE_READER_FILE);
  exportLineReaderOnnx(wt, height, path);
  const probe = val.slice(0, 4);
  const { data, width } = batchData(probe, height);
  const parity = await lineReaderParity(wt, path, data, probe.length, height, width);
  if (parity > 1e-3) throw new Error(`line reader: ONNX export differs from tfjs by ${parity}`);
  const fit: LineReaderFit = {
    seed, photos: harvests[0]?.photos ?? 0, extendedFontPhotos: harvests[1]?.photos ?? 0, trainLines: train.length, validationLines: val.length, epochs: o.epochs,
    validation: exactRates(wt, val, height), finalLoss: Number(finalLoss.toFixed(4)), onnxParityMaxAbsDiff: parity, seconds: Math.round((Date.now() - t0) / 1000),
  };
  const metaPath = join(modelDir, 'model.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
  meta.card.lineReader = { file: LINE_READER_FILE, ...fit, date: new Date().toISOString() };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return fit;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    'model-dir': { type: 'string', default: 'models/recognition' }, photos: { type: 'string', default: String(LINE_PHOTOS) },
    'extended-photos': { type: 'string', default: String(LINE_EXTENDED_PHOTOS) },
    epochs: { type: 'string', default: String(LINE_EPOCHS) }, workers: { type: 'string', default: String(defaultWorkers()) }, harvest: { type: 'string' },
    // Development only: lines of held-out designs (harvest-lines.ts --split holdout) read after every epoch.
    'held-out': { type: 'string' },
  } });
  // Saved harvests: the training-font photos' parts first, then the extended-font ones ("a,b+c,d").
  const harvests = values.harvest?.split('+').map((group) => mergeHarvests(group.split(',').map(readHarvest)));
  const fit = await fitLineReader(values['model-dir']!, { photos: Number(values.photos), extendedPhotos: Number(values['extended-photos']), epochs: Number(values.epochs), workers: Number(values.workers), harvests, heldOut: values['held-out'] ? readHarvest(values['held-out']) : undefined, log: console.log });
  console.log(JSON.stringify(fit));
}

if (process.argv[1]?.endsWith('fit-line-reader.ts')) await main();
