/**
 * Reads the printed face value from OCR words: a word whose digits are exactly a denomination
 * (or a denomination followed by one stray digit, which is how "元" comes out under a digit
 * whitelist) votes for it, weighted by confidence and glyph height so the big print counts most.
 * Digits that belong to the card number or PIN lines are ignored.
 */
import { DENOMINATIONS, type Denomination } from './classes.js';
import type { OcrLine } from './ocr-pool.js';

export interface FaceValueVotes { votes: Map<Denomination, number>; best: Denomination | null; share: number }

export function readFaceValue(lines: OcrLine[]): FaceValueVotes {
  const votes = new Map<Denomination, number>();
  for (const line of lines) {
    if (line.text.replace(/\D/g, '').length >= 12) continue; // a card number or PIN line
    for (const w of line.words ?? []) {
      const d = w.text.replace(/\D/g, '');
      const weight = Math.max(0.05, w.confidence) * Math.max(1, w.height);
      const exact = DENOMINATIONS.find((v) => String(v) === d);
      if (exact) { votes.set(exact, (votes.get(exact) ?? 0) + weight); continue; }
      const prefix = d.length >= 3 ? DENOMINATIONS.find((v) => String(v) === d.slice(0, -1)) : undefined;
      if (prefix) votes.set(prefix, (votes.get(prefix) ?? 0) + weight * 0.5);
    }
  }
  let best: Denomination | null = null;
  let total = 0;
  for (const [d, v] of votes) { total += v; if (best === null || v > (votes.get(best) ?? 0)) best = d; }
  return { votes, best, share: best === null ? 0 : (votes.get(best) ?? 0) / total };
}
