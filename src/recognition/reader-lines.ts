/**
 * The card's number lines read by the line reader (line-reader.ts), as card lines beside
 * tesseract's: the card-number and PIN parsers (card-text.ts) vote over both readers' reads.
 * Reads shorter than a number are dropped: the reader was trained on card numbers and PINs only,
 * and its fragments must not pass for a face value.
 */
import { NUMBER_DIGITS } from './card-text.js';
import { isNumberLine, type CardLine, type PreparedCard } from './ocr-card.js';
import type { LineReader } from './line-reader.js';
import { readerPatch } from './reader-patch.js';

/** A reader line: marked, so development runs can weigh the two readers apart (dev-run.ts). */
export type ReaderLine = CardLine & { reader: true };

/** How much a reader read's vote counts against a tesseract read of the same confidence. */
export const READER_WEIGHT = 1;

export async function readNumberLines(reader: LineReader, p: PreparedCard): Promise<ReaderLine[]> {
  const rows = p.lines.flatMap((l, i) => (isNumberLine(l) ? [i] : []));
  if (rows.length === 0) return [];
  const reads = await reader.read(rows.map((i) => readerPatch(p.card.gray, p.lines[i])));
  return reads.flatMap((r, k) => {
    if (r.text.length < NUMBER_DIGITS) return [];
    const l = p.lines[rows[k]];
    const h = p.card.cardHeight;
    return [{
      text: r.text, confidence: r.confidence * READER_WEIGHT, words: [], reader: true as const,
      relHeight: l.glyphHeight / h, onCard: p.card.onCard((l.x0 + l.x1) / 2, (l.y0 + l.y1) / 2), yc: (l.y0 + l.y1) / 2 / h,
      row: rows[k], glyphs: l.count, aspect: (l.x1 - l.x0 + 1) / l.glyphHeight,
    }];
  });
}
