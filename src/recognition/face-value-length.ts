/**
 * How many digits the big face-value print has, from the line finder's glyph count rather than
 * from OCR: OCR most often drops or adds a zero (50 vs 500), while the big print's glyphs are
 * counted well (one component per digit; the unit is a third as tall and not part of the line).
 * On the development set a 2-digit face value gave 2 glyphs 84% of the time and a 3-digit one 3
 * glyphs 73% (4 when a decoration joins).
 */
import { DENOMINATIONS, type Denomination } from './classes.js';
import { lineDigits, valueWithUnit } from './value-digits.js';
import type { OcrLine } from './ocr-pool.js';

export interface BigPrint { glyphs: number; digits: string }

/** Glyph height over card height above which a line is the big print. */
export const BIG_PRINT = 0.09;

type Line = OcrLine & { onCard?: boolean; relHeight?: number; glyphs?: number };

/**
 * Lines within this share of the tallest big print's height are the same print (its light and
 * dark chains, or grey and black-and-white reads): of those, the fullest read speaks for it (dev
 * sets: a big "300" found as "300" on 4 glyphs and "3" on 2 took the "3"; one face value gained, none lost).
 */
const SAME_PRINT = 0.9;

/**
 * The tallest on-card big-print line whose digits start a denomination, or are one and its unit
 * read as digits ('505'), or zeros misread (of its reads, the one with most digits), or null.
 */
export function bigPrint(lines: Line[]): BigPrint | null {
  const found: Array<BigPrint & { h: number }> = [];
  for (const l of lines) {
    if (l.onCard === false || l.relHeight === undefined || l.relHeight < BIG_PRINT || l.glyphs === undefined) continue;
    const { digits, marks } = lineDigits(l);
    if (digits.length === 0 || !(DENOMINATIONS.some((d) => String(d).startsWith(digits)) || valueWithUnit(digits) !== undefined || misreadZeros(digits, l.glyphs) || lostLead(digits))) continue;
    // A mark the line finder counted as a glyph ("元" beside "50") is no digit either.
    found.push({ glyphs: marks > 0 && l.glyphs === digits.length + marks ? digits.length : l.glyphs, digits, h: l.relHeight });
  }
  if (found.length === 0) return null;
  const tallest = Math.max(...found.map((f) => f.h));
  const best = found.filter((f) => f.h >= SAME_PRINT * tallest)
    .reduce((a, b) => (b.digits.length > a.digits.length || (b.digits.length === a.digits.length && b.h > a.h) ? b : a));
  return { glyphs: best.glyphs, digits: best.digits };
}

/** Relative likelihood of each denomination's digit count given the big print's glyph count. */
export function lengthFactor(glyphs: number, d: Denomination): number {
  const len = String(d).length;
  if (glyphs === 2) return len === 2 ? 4 : 1;
  if (glyphs === 3) return len === 3 ? 4 : 1;
  if (glyphs === 4) return len === 3 ? 2 : 1;
  return 1;
}

/** Whether the big print's glyph count allows `d`: 2 glyphs rule out three digits, 3 rule out two. */
export function fitsGlyphs(p: BigPrint, d: Denomination): boolean {
  return (p.glyphs !== 2 && p.glyphs !== 3) || lengthFactor(p.glyphs, d) > 1;
}

/** When OCR read only the start of the big print ("5"), the denominations that fit it and its glyph count. */
export function completions(p: BigPrint): Denomination[] {
  // "00": no face value is that, but every three-digit one ends in it; its leading digit was not read.
  if (lostLead(p.digits)) return DENOMINATIONS.filter((d) => String(d).length === p.digits.length + 1 && String(d).endsWith(p.digits));
  const fit = DENOMINATIONS.filter((d) => String(d).startsWith(p.digits) && lengthFactor(p.glyphs, d) > 1);
  if (fit.length > 0 || !misreadZeros(p.digits, p.glyphs)) return fit;
  // Every face value is one leading digit and zeros: a big print read as "36" or "508" with as
  // many glyphs is the leading digit and zeros misread (a blurred 0 reads as 6, 8 or 9).
  return DENOMINATIONS.filter((d) => String(d)[0] === p.digits[0] && String(d).length === p.digits.length);
}

/** A read of as many digits as the big print has glyphs (2 or 3), starting with a face value's leading digit. */
function misreadZeros(digits: string, glyphs: number | undefined): boolean {
  return (digits.length === 2 || digits.length === 3) && digits.length === glyphs && DENOMINATIONS.some((d) => String(d)[0] === digits[0]);
}

/** Only zeros, two or more: the tail of a longer face value whose leading digit was lost. */
export function lostLead(digits: string): boolean {
  return /^00+$/.test(digits);
}
