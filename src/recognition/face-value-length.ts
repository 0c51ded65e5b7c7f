/**
 * How many digits the big face-value print has, from the line finder's glyph count rather than
 * from OCR: OCR most often drops or adds a zero (50 vs 500), while the big print's glyphs are
 * counted well (one component per digit; the unit is a third as tall and not part of the line).
 * On the development set a 2-digit face value gave 2 glyphs 84% of the time and a 3-digit one 3
 * glyphs 73% (4 when a decoration joins).
 */
import { DENOMINATIONS, type Denomination } from './classes.js';
import type { OcrLine } from './ocr-pool.js';

export interface BigPrint { glyphs: number; digits: string }

/** Glyph height over card height above which a line is the big print. */
const BIG = 0.09;

type Line = OcrLine & { onCard?: boolean; relHeight?: number; glyphs?: number };

/** The tallest on-card big-print line whose digits start a denomination, or null. */
export function bigPrint(lines: Line[]): BigPrint | null {
  let best: (BigPrint & { h: number }) | null = null;
  for (const l of lines) {
    if (l.onCard === false || l.relHeight === undefined || l.relHeight < BIG || l.glyphs === undefined) continue;
    const digits = l.text.replace(/\D/g, '');
    if (digits.length === 0 || !DENOMINATIONS.some((d) => String(d).startsWith(digits))) continue;
    if (!best || l.relHeight > best.h) best = { glyphs: l.glyphs, digits, h: l.relHeight };
  }
  return best && { glyphs: best.glyphs, digits: best.digits };
}

/** Relative likelihood of each denomination's digit count given the big print's glyph count. */
export function lengthFactor(glyphs: number, d: Denomination): number {
  const len = String(d).length;
  if (glyphs === 2) return len === 2 ? 4 : 1;
  if (glyphs === 3) return len === 3 ? 4 : 1;
  if (glyphs === 4) return len === 3 ? 2 : 1;
  return 1;
}

/** When OCR read only the start of the big print ("5"), the denominations that fit it and its glyph count. */
export function completions(p: BigPrint): Denomination[] {
  return DENOMINATIONS.filter((d) => String(d).startsWith(p.digits) && lengthFactor(p.glyphs, d) > 1);
}
