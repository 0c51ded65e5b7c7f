/**
 * Tesseract reads a 0 as 6 (sometimes 8) with full confidence and almost never the other way:
 * on the hard evaluation set 11 of the 15 wrong PINs that had all their digits were one 0 read
 * as 6. Those zeros are dotted ones whose dot blur joined to a side: the 0's counter is cut in
 * two, one above the other, like an 8's, but the 0 keeps straight sides where an 8 narrows at its
 * waist. So a symbol read as 6, 8 or 9 whose glyph on the stacked page has two stacked counters
 * spanning most of its height and an outline that does not narrow between them becomes a 0.
 * Measured on the development set's number lines (9,600 symbols with known truth): a single tall
 * counter (a plain 0) would have fixed 2 symbols and broken 11, so only the two-counter shape counts.
 */
import type { Gray } from './deskew.js';
import type { OcrLine, OcrSymbol } from './ocr-pool.js';
import { label } from './patch-cleanup.js';
import { withSymbolTexts } from './card-text.js';

/** Page pixels at or below this are ink (the stacked page is black on white). */
const INK = 128;
/** Each end of a 0's counters lies within this share of the glyph's height of its top (bottom). */
const COUNTER_END = 0.3;
/** The two counters together span at least this share of the glyph's height. */
const COUNTERS_SPAN = 0.45;
/** Least ink between the two counters, in glyph heights (counters side by side are a 6's hook, not a dot). */
const COUNTER_GAP = 0.05;
/**
 * Least outer width between the counters over the width at their centres. An 8's waist is
 * 0.55-0.85 of it; a dotted 0's is 1.00-1.07, wider where blur spreads the joined dot. On the
 * first development set, 0.95 turned 73 misread zeros back and broke 13 right 6/8/9s; 1.02 turned
 * 36 back and broke 4. Most of the 1.00 glyphs were zeros: the ones that were not had a
 * neighbour's ink in their box (see looksLikeZero); without those, 1.0 gained 5 card numbers and
 * 1 PIN on the two development sets and broke none.
 */
const NO_WAIST = 1.0;
/** Paper regions smaller than this share of the glyph's box are specks between strokes, not counters. */
const MIN_COUNTER_AREA = 0.02;

interface Counter { y0: number; y1: number }

/** Paper regions of the box that do not touch its edge (holes of the glyph), and the glyph's ink rows. */
export function counters(page: Gray, box: OcrSymbol['bbox']): { holes: Counter[]; inkY0: number; inkY1: number; widths: number[]; width: number } | null {
  const x0 = Math.max(0, box.x0 - 1); const y0 = Math.max(0, box.y0 - 1);
  const x1 = Math.min(page.width - 1, box.x1 + 1); const y1 = Math.min(page.height - 1, box.y1 + 1);
  const w = x1 - x0 + 1; const h = y1 - y0 + 1;
  if (w < 4 || h < 6) return null;
  const ink = (x: number, y: number) => page.data[(y0 + y) * page.width + x0 + x] <= INK;
  // Outer width of the ink on each row (an 8 narrows at its waist, a 0 keeps straight sides).
  const widths = Array.from({ length: h }, (_, y) => {
    let a = -1; let b = -1;
    for (let x = 0; x < w; x++) if (ink(x, y)) { if (a < 0) a = x; b = x; }
    return a < 0 ? 0 : b - a + 1;
  });
  const inkY0 = widths.findIndex((v) => v > 0);
  if (inkY0 < 0) return null;
  const inkY1 = h - 1 - [...widths].reverse().findIndex((v) => v > 0);
  const paper = label(w, h, (i) => !ink(i % w, (i / w) | 0));
  const area = new Int32Array(paper.count); const edge = new Uint8Array(paper.count);
  const cy0 = new Int32Array(paper.count).fill(h); const cy1 = new Int32Array(paper.count).fill(-1);
  for (let p = 0; p < w * h; p++) {
    const k = paper.labels[p];
    if (k < 0) continue;
    const x = p % w; const y = (p / w) | 0;
    area[k]++; cy0[k] = Math.min(cy0[k], y); cy1[k] = Math.max(cy1[k], y);
    if (x === 0 || y === 0 || x === w - 1 || y === h - 1) edge[k] = 1;
  }
  const holes: Counter[] = [];
  for (let k = 0; k < paper.count; k++) if (!edge[k] && area[k] >= MIN_COUNTER_AREA * w * h) holes.push({ y0: cy0[k], y1: cy1[k] });
  return { holes, inkY0, inkY1, widths, width: w };
}

/** Whether the glyph in `box` is a 0 with its dot joined to a side: two stacked counters, straight sides. */
export function looksLikeZero(page: Gray, box: OcrSymbol['bbox']): boolean {
  const c = counters(page, box);
  if (!c || c.holes.length !== 2) return false;
  const gh = c.inkY1 - c.inkY0 + 1;
  const [a, b] = [...c.holes].sort((p, q) => p.y0 - q.y0);
  if (b.y0 - a.y1 - 1 < COUNTER_GAP * gh || b.y1 - a.y0 + 1 < COUNTERS_SPAN * gh) return false;
  if (a.y0 - c.inkY0 > COUNTER_END * gh || c.inkY1 - b.y1 > COUNTER_END * gh) return false;
  // Ink from edge to edge of the box beside the counters is a neighbour's too: the outline is not this glyph's.
  if (Math.max(...c.widths.slice(a.y0, b.y1 + 1)) >= c.width - 1) return false;
  const waist = Math.min(...c.widths.slice(a.y1 + 1, b.y0));
  const centres = Math.max(c.widths[(a.y0 + a.y1) >> 1], c.widths[(b.y0 + b.y1) >> 1], 1);
  return waist >= NO_WAIST * centres;
}

/** The lines with every 6, 8 or 9 whose glyph is shaped like a 0 read as 0 (words and line text rebuilt). */
export function correctZeros(lines: OcrLine[], page: Gray): OcrLine[] {
  return lines.map((line) => withSymbolTexts(line, (s) => ('689'.includes(s.text) && looksLikeZero(page, s.bbox) ? '0' : s.text)));
}
