/**
 * Reads the printed face value from OCR words: a word whose digits are exactly a denomination
 * votes for it, weighted by confidence and glyph height so the big print counts most. Under a
 * digit whitelist a trailing "元" or "RMB" comes out as one or two stray digits, so a word that
 * starts with a denomination votes at 0.7 weight (longest denomination first: "1007" is 100).
 * Digits that belong to the card number or PIN lines are ignored; print outside the predicted
 * card (a price tag, a sticky note) counts little.
 */
import { DENOMINATIONS, type Denomination } from './classes.js';
import type { OcrLine } from './ocr-pool.js';

export interface FaceValueVotes { votes: Map<Denomination, number>; best: Denomination | null; share: number }

const BY_LENGTH = [...DENOMINATIONS].sort((a, b) => String(b).length - String(a).length);

export function readFaceValue(lines: Array<OcrLine & { onCard?: boolean }>): FaceValueVotes {
  const votes = new Map<Denomination, number>();
  for (const line of lines) {
    if (line.text.replace(/\D/g, '').length >= 12) continue; // a card number or PIN line
    const where = line.onCard === false ? 0.3 : 1;
    for (const w of line.words ?? []) {
      const d = w.text.replace(/\D/g, '');
      const weight = Math.max(0.05, w.confidence) * Math.max(1, w.height) * where;
      const exact = DENOMINATIONS.find((v) => String(v) === d);
      if (exact) { votes.set(exact, (votes.get(exact) ?? 0) + weight); continue; }
      const prefix = d.length >= 3 ? BY_LENGTH.find((v) => d.startsWith(String(v)) && d.length - String(v).length <= 2) : undefined;
      if (prefix) votes.set(prefix, (votes.get(prefix) ?? 0) + weight * 0.7);
    }
  }
  let best: Denomination | null = null;
  let total = 0;
  for (const [d, v] of votes) { total += v; if (best === null || v > (votes.get(best) ?? 0)) best = d; }
  return { votes, best, share: best === null ? 0 : (votes.get(best) ?? 0) / total };
}
