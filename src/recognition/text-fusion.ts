/**
 * Combines the classifier with what OCR read on the card: the printed face value (face-value-text.ts)
 * and which carrier's number formats the card number / PIN fit (17 digits only cmcc, 15 only cucc).
 * Printed digits generalise to unseen designs better than pixels, so OCR evidence weighs more.
 */
import { CARRIERS, DENOMINATIONS, type Carrier } from './classes.js';
import type { CardText } from './card-text.js';
import { readFaceValue } from './face-value-text.js';
import type { OcrLine } from './ocr-pool.js';

const OCR_DENOM_WEIGHT = 0.75;

const normalise = (p: number[]) => {
  const s = p.reduce((a, b) => a + b, 0);
  return s > 0 ? p.map((v) => v / s) : p;
};

export function fuseWithText(carrierProbs: number[], denomProbs: number[], lines: OcrLine[], texts: Record<Carrier, CardText>): { carrierProbs: number[]; denomProbs: number[] } {
  const fv = readFaceValue(lines);
  let denom = denomProbs;
  if (fv.best !== null) {
    const total = [...fv.votes.values()].reduce((a, b) => a + b, 0);
    const ocr = DENOMINATIONS.map((d) => 0.9 * ((fv.votes.get(d) ?? 0) / total) + 0.1 / DENOMINATIONS.length);
    denom = denomProbs.map((p, i) => (1 - OCR_DENOM_WEIGHT) * p + OCR_DENOM_WEIGHT * ocr[i]);
  }
  // Each carrier whose serial and PIN lengths were both found on the card gets its prior tripled.
  const formatFit = CARRIERS.map((c) => 1 + (texts[c].serial ? 1 : 0) + (texts[c].pin ? 1 : 0));
  const carrier = normalise(carrierProbs.map((p, i) => p * formatFit[i]));
  return { carrierProbs: carrier, denomProbs: normalise(denom) };
}
