/**
 * The card's number lines read by the line reader (line-reader.ts), as card lines beside
 * tesseract's: the card-number and PIN parsers (card-text.ts) vote over both readers' reads.
 * Reads shorter than a number are dropped: the reader was trained on card numbers and PINs only,
 * and its fragments must not pass for a face value.
 */
import { NUMBER_DIGITS } from './card-text.js';
import { CARD_FORMATS } from './classes.js';
import { placeOnCard, type CardLine, type PreparedCard } from './ocr-card.js';
import { isPanel, type TextLine } from './text-lines.js';
import type { LineReader } from './line-reader.js';
import { readerPatch } from './reader-patch.js';

/**
 * A reader line, marked so development runs can weigh the readers apart (dev-run.ts): 'best' for
 * the best path, 'length' for a reading at a number's length one digit off it.
 */
export type ReaderLine = CardLine & { reader: 'best' | 'length' };

/** How much a reader read's vote counts against a tesseract read of the same confidence. */
export const READER_WEIGHT = 1;
/** How much a reading at another length counts, times its likelihood against the best path. */
export const LENGTH_WEIGHT = 0.5;
/**
 * Least vote a reader read counts with, as weighed above (its least sure digit's probability,
 * times LENGTH_WEIGHT and the likelihood for another length). Below it, the reads are mostly made
 * up: the digits of a covered or half-scratched panel, or a card number read one digit long,
 * which then passes for an 18-digit PIN. Development sets 1–2 (first reader): with no floor, 24
 * PINs given for cards with none revealed (1 without the reader); at 0.6 and 0.3, 3, with card
 * numbers 548 → 560 of 600 and revealed PINs 406 → 414 of 440. The reader served since 3
 * December, trained on lines with nothing to read too, makes fewer up: at 0.45 rather than 0.6
 * (with isReaderLine), six development sets (1,800 photos) gained 8 card numbers and 8 revealed
 * PINs and lost 1 PIN, with no more PINs wrong or made up and not flagged for review.
 */
const MIN_BEST = 0.45;
const MIN_LENGTH = 0.3;
/**
 * Lines the reader reads: the lines it was trained on (training/recognition/harvest-lines.ts),
 * eight glyphs or more, or a panel. Tesseract's re-reads take ten (ocr-card.ts isNumberLine):
 * blur merges a card number's digits into eight or nine components, which the reader still reads
 * (six development sets: 6 card numbers and 5 PINs of the gains above came from such lines).
 */
export const isReaderLine = (l: TextLine): boolean => l.count >= 8 || isPanel(l.count, l.fill);

/** Every carrier's card-number and PIN lengths. */
const LENGTHS = [...new Set(Object.values(CARD_FORMATS).flatMap((f) => [f.serialLength, f.pinLength]))];

export async function readNumberLines(reader: LineReader, p: PreparedCard): Promise<ReaderLine[]> {
  const rows = p.lines.flatMap((l, i) => (isReaderLine(l) ? [i] : []));
  if (rows.length === 0) return [];
  const reads = await reader.read(rows.map((i) => readerPatch(p.card.gray, p.lines[i])), LENGTHS);
  return reads.flatMap((r, k) => {
    const place = placeOnCard(p.card, p.lines[rows[k]], rows[k]);
    const line = (text: string, confidence: number, kind: ReaderLine['reader']): ReaderLine => ({ text, confidence, words: [], reader: kind, ...place });
    return [
      ...(r.text.length >= NUMBER_DIGITS ? [line(r.text, r.confidence * READER_WEIGHT, 'best')] : []),
      ...r.alternatives.map((a) => line(a.text, r.confidence * READER_WEIGHT * LENGTH_WEIGHT * a.likelihood, 'length')),
    ].filter((l) => l.confidence >= (l.reader === 'best' ? MIN_BEST : MIN_LENGTH));
  });
}
