/**
 * `cardrecycle train recognition`: train into a staging folder, evaluate on the hard held-out set,
 * and promote (copy into --out) only when face-value accuracy ≥ 0.98, unless the gate is off.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { trainModels, type TrainModelsOptions } from './train-models.js';
import { buildEvalSet, EVAL_SEEDS } from './eval-set.js';
import { writeModelCardMarkdown } from './model-card.js';
import { createRecognizer } from '../../src/recognition/recognizer.js';
import { evaluateRecognition, type EvaluationReport } from '../../src/recognition/evaluate.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

export const HARD_GATE = 0.98;

export interface TrainAndGateOptions extends TrainModelsOptions { hardDir: string; gate: boolean; hardCount?: number }

export interface TrainReport {
  version: string;
  serving: ModelMeta['serving'];
  promoted: boolean;
  outDir: string;
  validation: Record<string, unknown>;
  hard: Pick<EvaluationReport, 'n' | 'accuracy' | 'ece' | 'carrierAccuracy' | 'denominationAccuracy'>;
}

export async function evaluateFaceValue(modelDir: string, imagesDir: string): Promise<EvaluationReport> {
  const recognizer = await createRecognizer({ modelDir, ocr: false });
  try {
    return await evaluateRecognition({ recognizer, imagesDir, labelsCsv: join(imagesDir, 'labels.csv'), ocr: false });
  } finally {
    await recognizer.close();
  }
}

export async function trainAndGate(o: TrainAndGateOptions): Promise<TrainReport> {
  const staging = mkdtempSync(join(existsSync(dirname(o.outDir)) ? dirname(o.outDir) : tmpdir(), '.recognition-staging-'));
  try {
    const { meta, calibration } = await trainModels({ ...o, outDir: staging });
    if (!existsSync(join(o.hardDir, 'labels.csv'))) {
      o.log(`building the hard evaluation set in ${o.hardDir}`);
      await buildEvalSet({ dir: o.hardDir, kind: 'hard', count: o.hardCount ?? 800, seed: EVAL_SEEDS.hard });
    }
    const hard = await evaluateFaceValue(staging, o.hardDir);
    const promoted = !o.gate || hard.accuracy >= HARD_GATE;
    const stored = JSON.parse(readFileSync(join(staging, 'model.json'), 'utf8')) as ModelMeta;
    stored.card.hardSet = { dir: o.hardDir, n: hard.n, accuracy: hard.accuracy, ece: hard.ece, gate: HARD_GATE, promoted };
    writeFileSync(join(staging, 'model.json'), JSON.stringify(stored, null, 2));
    writeModelCardMarkdown(staging, stored);
    if (promoted) cpSync(staging, o.outDir, { recursive: true });
    return {
      version: meta.version, serving: meta.serving, promoted, outDir: o.outDir,
      validation: calibration.metrics,
      hard: { n: hard.n, accuracy: hard.accuracy, ece: hard.ece, carrierAccuracy: hard.carrierAccuracy, denominationAccuracy: hard.denominationAccuracy },
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
