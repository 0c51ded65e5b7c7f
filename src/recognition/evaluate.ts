/**
 * Evaluates a recognizer on a folder of images with a labels CSV. Face value (carrier +
 * denomination) accuracy, per-class accuracy, confusion matrix, ECE; with OCR also exact-match
 * rates for the card number and the PIN over the rows that carry them. Fractions, not percentages.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectedCalibrationError } from './calibration.js';
import { CARRIERS, DENOMINATIONS, classIndex, className, CLASS_COUNT } from './classes.js';
import { readLabelsCsv } from './labels-csv.js';
import { decodeImage, letterbox } from './preprocess.js';
import { reviewNeeded, type Recognizer } from './recognizer.js';

export interface EvaluationReport {
  n: number;
  accuracy: number;
  carrierAccuracy: number;
  denominationAccuracy: number;
  perClass: Record<string, { n: number; accuracy: number }>;
  confusion: { labels: string[]; matrix: number[][] };
  ece: number;
  needsReviewRate: number;
  /** Accuracy over the images not flagged needsReview. */
  accuracyWhenConfident: number;
  errors: Array<{ file: string; expected: string; predicted: string; confidence: number }>;
  /**
   * `pinUnoccluded*`: over the revealed PINs no fingertip or object covers (labels column
   * pin_occluded; all of them when the CSV has no such column). `pinExactWhenConfident`: over the
   * PINs of images not flagged needsReview (a card that clears review is paid on the PIN read).
   */
  ocr?: { serialExact: number; pinExact: number; serialN: number; pinN: number; pinUnoccludedExact: number; pinUnoccludedN: number; pinExactWhenConfident: number; pinConfidentN: number };
  failures: Array<{ file: string; error: string }>;
  modelVersion: string;
}

export interface EvaluateOptions {
  recognizer: Recognizer;
  imagesDir: string;
  labelsCsv: string;
  ocr: boolean;
  reviewThreshold?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluateRecognition(o: EvaluateOptions): Promise<EvaluationReport> {
  const rows = readLabelsCsv(o.labelsCsv);
  const matrix = Array.from({ length: CLASS_COUNT }, () => new Array<number>(CLASS_COUNT).fill(0));
  const conf: number[] = [];
  const ok: boolean[] = [];
  const errors: EvaluationReport['errors'] = [];
  const failures: EvaluationReport['failures'] = [];
  let carrierOk = 0; let denomOk = 0; let review = 0; let confidentN = 0; let confidentOk = 0;
  let serialN = 0; let serialOk = 0; let pinN = 0; let pinOk = 0; let clearN = 0; let clearOk = 0; let pinSureN = 0; let pinSureOk = 0;
  const threshold = o.reviewThreshold ?? 0.9;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    try {
      const buf = await readFile(join(o.imagesDir, row.file));
      let carrier; let denomination; let confidence; let needsReview;
      if (o.ocr) {
        const a = await o.recognizer.analyze(buf);
        ({ carrier, denomination, confidence, needsReview } = a);
        if (row.serial) { serialN++; if (a.serial === row.serial) serialOk++; }
        if (row.pin) { pinN++; if (a.pin === row.pin) pinOk++; }
        if (row.pin && !row.pinOccluded) { clearN++; if (a.pin === row.pin) clearOk++; }
        if (row.pin && !needsReview) { pinSureN++; if (a.pin === row.pin) pinSureOk++; }
      } else {
        const lb = await letterbox(await decodeImage(buf));
        ({ carrier, denomination, confidence } = (await o.recognizer.classifyInputs([lb.input]))[0]);
        needsReview = reviewNeeded(confidence, threshold, null);
      }
      const expected = classIndex(row.carrier, row.denomination);
      const predicted = classIndex(carrier, denomination);
      matrix[expected][predicted]++;
      const right = expected === predicted;
      carrierOk += carrier === row.carrier ? 1 : 0;
      denomOk += denomination === row.denomination ? 1 : 0;
      conf.push(confidence);
      ok.push(right);
      if (needsReview) review++;
      else { confidentN++; confidentOk += right ? 1 : 0; }
      if (!right) errors.push({ file: row.file, expected: className(expected), predicted: className(predicted), confidence });
    } catch (e) {
      failures.push({ file: row.file, error: e instanceof Error ? e.message : String(e) });
    }
    o.onProgress?.(i + 1, rows.length);
  }
  const n = conf.length;
  const perClass: EvaluationReport['perClass'] = {};
  for (const c of CARRIERS) for (const d of DENOMINATIONS) {
    const k = classIndex(c, d);
    const total = matrix[k].reduce((a, b) => a + b, 0);
    perClass[className(k)] = { n: total, accuracy: total ? matrix[k][k] / total : 0 };
  }
  const frac = (a: number, b: number) => (b ? a / b : 0);
  return {
    n,
    accuracy: frac(ok.filter(Boolean).length, n),
    carrierAccuracy: frac(carrierOk, n),
    denominationAccuracy: frac(denomOk, n),
    perClass,
    confusion: { labels: Array.from({ length: CLASS_COUNT }, (_, k) => className(k)), matrix },
    ece: expectedCalibrationError(conf, ok),
    needsReviewRate: frac(review, n),
    accuracyWhenConfident: frac(confidentOk, confidentN),
    errors,
    ...(o.ocr ? { ocr: {
      serialExact: frac(serialOk, serialN), pinExact: frac(pinOk, pinN), serialN, pinN,
      pinUnoccludedExact: frac(clearOk, clearN), pinUnoccludedN: clearN,
      pinExactWhenConfident: frac(pinSureOk, pinSureN), pinConfidentN: pinSureN,
    } } : {}),
    failures,
    modelVersion: o.recognizer.modelVersion,
  };
}
