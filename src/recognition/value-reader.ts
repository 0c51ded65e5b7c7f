/**
 * The value reader: a network of the line reader's shape (line-reader.ts), started from its
 * weights and trained on the big print (training/recognition/harvest-value-lines.ts), reads the
 * card's tall lines into digits. Tesseract reads a big outlined, hollow or bold serif "300" as "00", "30" or "500"; a network trained on
 * the pipeline's own cuts of many fonts and styles reads it as a line of three digits and a unit
 * it learnt to skip. Its reads vote for the face value beside tesseract's (text-fusion.ts).
 */
import { BIG_PRINT } from './face-value-length.js';
import { placeOnCard, type CardLine, type PreparedCard } from './ocr-card.js';
import type { LineReader } from './line-reader.js';
import { readerPatch } from './reader-patch.js';
import type { TextLine } from './text-lines.js';

export const VALUE_READER_FILE = 'value-reader.onnx';
/** More glyphs than this on a tall line is no face value ("500" and a unit, or a blurred "100元" in pieces). */
const MAX_VALUE_GLYPHS = 6;

/** A line the value reader reads: of big-print height, and a few glyphs long. */
export const isValueLine = (l: TextLine, cardHeight: number): boolean => l.glyphHeight / cardHeight >= BIG_PRINT && l.count <= MAX_VALUE_GLYPHS;

/** The value reader's reads of the card's tall lines, as card lines (a line read as nothing gives none). */
export async function readValueLines(reader: LineReader, p: PreparedCard): Promise<CardLine[]> {
  const rows = p.lines.flatMap((l, i) => (isValueLine(l, p.card.cardHeight) ? [i] : []));
  if (rows.length === 0) return [];
  const reads = await reader.read(rows.map((i) => readerPatch(p.card.gray, p.lines[i])));
  return reads.flatMap((r, k) => (r.text === '' ? [] : [{ text: r.text, confidence: r.confidence, ...placeOnCard(p.card, p.lines[rows[k]], rows[k]) }]));
}
