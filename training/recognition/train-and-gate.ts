/**
 * `cardrecycle train recognition`: everything served from models/recognition, from scratch, in one
 * run: render → train (stage 1 ∥ stage 2 ∥ SVM) → calibrate → ONNX + parity → render calibration
 * photos → train the OCR digit check (fit-digit-check.ts) → train the line and value readers →
 * fit the OCR-fusion temperatures →
 * evaluate on the hard held-out set → promote (copy into --out) only when the gated accuracy is
 * ≥ 0.98, unless the gate is off.
 * What is gated: by default what is served, the pipeline with OCR (classifier + readers + tesseract +
 * fusion; 2.5–4 minutes for the 400 hard photos on two cores here). The classifier
 * alone (`gateOcr: false`, seconds) reads no print, so it cannot tell a held-out design's face
 * value and stays far under the gate (0.41 for the served model): a gate no model passes promotes
 * nothing, so it is not the default.
 * Everything is built in a staging folder that is deleted at the end: nothing is reused between runs.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { trainModels, type TrainModelsOptions } from './train-models.js';
import { CALIBRATION_SEED, EVAL_SEEDS } from './eval-set.js';
import { renderPhotoSet } from './render-pool.js';
import { fitFusion, type FusionFit } from './fit-fusion.js';
import { evaluateClassifier, type ClassifierReport } from './eval-classifier.js';
import { evaluatePipeline, type PipelineReport } from './eval-pipeline.js';
import { writeModelCardMarkdown } from './model-card.js';
import { fitDigitCheck } from './fit-digit-check.js';
import { fitLineReader, harvestReaderLines, LINE_EPOCHS, LINE_EXTENDED_PHOTOS, LINE_PHOTOS, VALUE_EPOCHS, VALUE_EXTENDED_PHOTOS, VALUE_PHOTOS } from './fit-line-reader.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

export const HARD_GATE = 0.98;

/** `digitPhotos`: photos whose number-line glyphs train the digit check (fit-digit-check.ts); 0: none. */
/** `linePhotos`, `lineEpochs`: photos whose number lines train the line reader and whose big print trains the value reader (fit-line-reader.ts; LINE_PHOTOS by default, 0: neither), and the line reader's epochs. */
/** `gateOcr`: gate on the served pipeline with OCR (default) rather than on the classifier alone. */
export interface TrainAndGateOptions extends TrainModelsOptions { hardDir: string; gate: boolean; gateOcr?: boolean; hardCount?: number; calibrationPhotos: number; digitPhotos: number; linePhotos?: number; lineEpochs?: number }

export interface TrainReport {
  version: string;
  serving: ModelMeta['serving'];
  promoted: boolean;
  outDir: string;
  wallClockSeconds: number;
  validation: Record<string, unknown>;
  fusion: FusionFit;
  gatedOn: 'classifier' | 'pipeline';
  /** The gate's number. */
  gatedAccuracy: number;
  /** The classifier alone (stage 2 cropping from the decoded photo). */
  hardClassifierOnly: ClassifierReport;
  /** The served pipeline with OCR (unless gateOcr is false). */
  hardPipeline?: PipelineReport;
}

export async function trainAndGate(o: TrainAndGateOptions): Promise<TrainReport> {
  const t0 = Date.now();
  const secs = () => Math.round((Date.now() - t0) / 1000);
  const staging = mkdtempSync(join(existsSync(dirname(o.outDir)) ? dirname(o.outDir) : tmpdir(), '.recognition-staging-'));
  try {
    const trained = await trainModels({ ...o, outDir: staging });
    const calDir = join(staging, '.calibration-photos');
    o.log(`rendering ${o.calibrationPhotos} fusion-calibration photos (seed ${CALIBRATION_SEED}, training designs) (${secs()} s)`);
    await renderPhotoSet({ dir: calDir, kind: 'hard', count: o.calibrationPhotos, seed: CALIBRATION_SEED, split: 'train' }, o.workers);
    // The digit check reads number lines, so the fusion is fitted with it in place.
    const digitCheck = o.digitPhotos > 0 ? await fitDigitCheck(staging, { photos: o.digitPhotos, workers: o.workers, log: o.log }) : undefined;
    if (digitCheck) o.log(`digit check trained: ${JSON.stringify(digitCheck)} (${secs()} s)`);
    // The line reader's votes change the card numbers and PINs, and so the carrier: fitted before the fusion too.
    const linePhotos = o.linePhotos ?? LINE_PHOTOS;
    // The value reader's votes change the face value: fitted before the fusion as well, on the big print of the same photos (cut in the same pass).
    if (linePhotos > 0) {
      const lineJob = { photos: linePhotos, extendedPhotos: Math.round(linePhotos * LINE_EXTENDED_PHOTOS / LINE_PHOTOS), workers: o.workers, log: o.log };
      const harvests = await harvestReaderLines(staging, { ...lineJob, target: 'both' });
      const lineReader = await fitLineReader(staging, { ...lineJob, harvests, epochs: o.lineEpochs ?? LINE_EPOCHS });
      o.log(`line reader trained: ${JSON.stringify(lineReader)} (${secs()} s)`);
      const valueReader = await fitLineReader(staging, { ...lineJob, kind: 'values', harvests, epochs: VALUE_EPOCHS,
        photos: Math.round(linePhotos * VALUE_PHOTOS / LINE_PHOTOS), extendedPhotos: Math.round(linePhotos * VALUE_EXTENDED_PHOTOS / LINE_PHOTOS) });
      o.log(`value reader trained: ${JSON.stringify(valueReader)} (${secs()} s)`);
    }
    if (!existsSync(join(o.hardDir, 'labels.csv'))) {
      o.log(`building the hard evaluation set in ${o.hardDir}`);
      await renderPhotoSet({ dir: o.hardDir, kind: 'hard', count: o.hardCount ?? 400, seed: EVAL_SEEDS.hard }, o.workers);
    }
    // OCR runs in worker threads, the classifier here: the two overlap.
    const [fusion, hardClassifierOnly] = await Promise.all([fitFusion(staging, calDir, o.workers), evaluateClassifier({ model: staging, images: o.hardDir })]);
    rmSync(calDir, { recursive: true, force: true });
    o.log(`OCR fusion fitted: ${JSON.stringify(fusion)}; hard set, classifier alone: ${JSON.stringify(hardClassifierOnly)} (${secs()} s)`);
    const gateOcr = o.gateOcr ?? true;
    const hardPipeline = gateOcr ? await evaluatePipeline(staging, o.hardDir, o.workers) : undefined;
    if (hardPipeline) o.log(`hard set, served pipeline with OCR: ${JSON.stringify(hardPipeline)} (${secs()} s)`);
    const gatedOn = hardPipeline ? 'pipeline' : 'classifier';
    const gatedAccuracy = hardPipeline?.accuracy ?? hardClassifierOnly.accuracy;
    const promoted = !o.gate || gatedAccuracy >= HARD_GATE;
    const wallClockSeconds = secs();
    const stored = JSON.parse(readFileSync(join(staging, 'model.json'), 'utf8')) as ModelMeta;
    stored.card.hardSet = { dir: o.hardDir, gate: HARD_GATE, gatedOn, gateApplied: o.gate, promoted, classifierOnly: hardClassifierOnly, ...(hardPipeline ? { pipeline: hardPipeline } : {}) };
    stored.card.run = { command: `npx cardrecycle train recognition --seed ${o.seed} --samples ${o.samples} --max-minutes ${o.maxMinutes}${o.syntheticPerPhoto ? ` --synthetic-patches ${o.syntheticPerPhoto}` : ''} --digit-photos ${o.digitPhotos} --line-photos ${linePhotos} --line-epochs ${o.lineEpochs ?? LINE_EPOCHS}${o.gate ? '' : ' --no-gate'}${gateOcr ? '' : ' --no-gate-ocr'}`, wallClockSeconds, ...trained.timings, loadAverage: loadavg().map((v) => Number(v.toFixed(2))), date: new Date().toISOString() };
    writeFileSync(join(staging, 'model.json'), JSON.stringify(stored, null, 2));
    writeModelCardMarkdown(staging, stored);
    if (promoted) {
      rmSync(o.outDir, { recursive: true, force: true });
      cpSync(staging, o.outDir, { recursive: true });
    }
    return { version: stored.version, serving: stored.serving, promoted, outDir: o.outDir, wallClockSeconds, validation: trained.calibration.metrics, fusion, gatedOn, gatedAccuracy, hardClassifierOnly, ...(hardPipeline ? { hardPipeline } : {}) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
