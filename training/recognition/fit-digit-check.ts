/**
 * Trains the digit check (src/recognition/digit-check.ts) of a model directory: renders photos of
 * training designs from a seed of their own (GLYPH_SEED), cuts the glyphs of their number lines out
 * of the stacked pages the model's own pipeline reads (harvest-glyphs.ts), trains the digit network
 * on them (train-digit-net.ts) and writes digit-net.json beside the model, with a summary in the
 * model card. The photos are deleted afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARVEST_STYLES, harvestFolder } from './harvest-glyphs.js';
import { renderPhotoSet } from './render-pool.js';
import { trainDigitNet } from './train-digit-net.js';
import { glyphFeatures } from '../../src/recognition/digit-glyph.js';
import { DIGIT_NET_FILE } from '../../src/recognition/digit-check.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

/** Glyph photos' seed: not an evaluation, calibration or development seed (eval-set.ts, build-dev-set.ts). */
export const GLYPH_SEED = 810_001;
const HIDDEN = 64;
const EPOCHS = 10;

export interface DigitCheckFit { seed: number; photos: number; glyphs: number; tesseractSlips: number; hidden: number; epochs: number; finalLoss: number; seconds: number }

export async function fitDigitCheck(modelDir: string, o: { photos: number; workers: number; seed?: number; log: (m: string) => void }): Promise<DigitCheckFit> {
  const t0 = Date.now();
  const seed = o.seed ?? GLYPH_SEED;
  const dir = mkdtempSync(join(tmpdir(), 'cardrecycle-glyph-photos-'));
  try {
    o.log(`digit check: rendering ${o.photos} photos (seed ${seed}, training designs)`);
    await renderPhotoSet({ dir, kind: 'hard', count: o.photos, seed, split: 'train' }, o.workers);
    let done = 0;
    const glyphs = await harvestFolder(dir, modelDir, Object.keys(HARVEST_STYLES), o.workers, () => { if (++done % 100 === 0) o.log(`digit check: ${done}/${o.photos} photos read`); });
    o.log(`digit check: ${glyphs.length} glyphs; training the network`);
    let finalLoss = NaN;
    const net = trainDigitNet(glyphs.map((g) => glyphFeatures(g.cell, g.aspect)), glyphs.map((g) => g.truth), glyphs.map((g) => g.read),
      { hidden: HIDDEN, epochs: EPOCHS, seed, onEpoch: (e, loss) => { finalLoss = loss; o.log(`digit check: epoch ${e}/${EPOCHS}, loss ${loss.toFixed(4)}`); } });
    writeFileSync(join(modelDir, DIGIT_NET_FILE), JSON.stringify(net));
    const fit: DigitCheckFit = {
      seed, photos: o.photos, glyphs: glyphs.length, tesseractSlips: glyphs.filter((g) => g.read !== g.truth).length,
      hidden: HIDDEN, epochs: EPOCHS, finalLoss: Number(finalLoss.toFixed(4)), seconds: Math.round((Date.now() - t0) / 1000),
    };
    const metaPath = join(modelDir, 'model.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
    meta.card.digitCheck = { file: DIGIT_NET_FILE, ...fit, date: new Date().toISOString() };
    writeFileSync(metaPath, JSON.stringify(meta, null, 2));
    return fit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
