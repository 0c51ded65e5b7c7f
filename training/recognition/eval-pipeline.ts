/**
 * The served pipeline (classifier + OCR + fusion, via createRecognizer) on a labelled folder, with
 * `concurrency` photos in flight (the OCR pool has a worker per core). Face-value numbers only;
 * `cardrecycle eval recognition` gives the full report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectedCalibrationError } from '../../src/recognition/calibration.js';
import { readLabelsCsv } from '../../src/recognition/labels-csv.js';
import { createRecognizer } from '../../src/recognition/recognizer.js';

export interface PipelineReport { n: number; accuracy: number; carrierAccuracy: number; denominationAccuracy: number; ece: number; failures: number }

export async function evaluatePipeline(model: string, images: string, concurrency = 2): Promise<PipelineReport> {
  const rows = readLabelsCsv(join(images, 'labels.csv'));
  const rec = await createRecognizer({ modelDir: model, ocr: true });
  const res: Array<{ c: boolean; d: boolean; conf: number } | null> = [];
  try {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < rows.length; i = next++) {
        try {
          const a = await rec.analyze(await readFile(join(images, rows[i].file)));
          res[i] = { c: a.carrier === rows[i].carrier, d: a.denomination === rows[i].denomination, conf: a.confidence };
        } catch {
          res[i] = null;
        }
      }
    }));
  } finally {
    await rec.close();
  }
  // A photo the pipeline fails on counts as wrong (confidence 0).
  const ok = res.map((r) => r ?? { c: false, d: false, conf: 0 });
  const n = ok.length;
  return {
    n, accuracy: ok.filter((r) => r.c && r.d).length / n, carrierAccuracy: ok.filter((r) => r.c).length / n,
    denominationAccuracy: ok.filter((r) => r.d).length / n, ece: expectedCalibrationError(ok.map((r) => r.conf), ok.map((r) => r.c && r.d)),
    failures: res.filter((r) => r === null).length,
  };
}
