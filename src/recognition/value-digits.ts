/**
 * The digits of face-value print as tesseract read them, without the marks beside them. Under the
 * digit whitelist a "元" or "RMB" after the value comes out as a digit ("50元" read "500"), but
 * its box is far shorter than the digits' (dev set 5, photo 00267: 10 px against 25), while the
 * digits of one print share their height.
 */
import { DENOMINATIONS, type Denomination } from './classes.js';
import type { OcrLine, OcrWord } from './ocr-pool.js';
import { digitsOf } from './card-text.js';

/** A symbol under this share of its word's median digit height is a mark beside the digits, not a digit. */
const SHORT_MARK = 0.6;

const symbolHeight = (s: NonNullable<OcrWord['symbols']>[number]) => s.bbox.y1 - s.bbox.y0 + 1;

/** The word's digits with its short marks dropped, and how many were dropped (0 when tesseract gave no symbol boxes). */
export function wordDigits(w: OcrWord): { digits: string; marks: number } {
  const symbols = (w.symbols ?? []).filter((s) => /\d/.test(s.text));
  if (symbols.length < 3) return { digits: digitsOf(w), marks: 0 };
  // The median: one box can be far taller than a digit (a digit merged with a decoration).
  const typical = symbols.map(symbolHeight).sort((a, b) => a - b)[Math.floor(symbols.length / 2)];
  const kept = symbols.filter((s) => symbolHeight(s) >= SHORT_MARK * typical);
  return { digits: kept.map(digitsOf).join(''), marks: symbols.length - kept.length };
}

/** The line's digits, word by word, with short marks dropped, and how many were dropped. */
export function lineDigits(l: OcrLine): { digits: string; marks: number } {
  if (!l.words || l.words.length === 0) return { digits: digitsOf(l), marks: 0 };
  const parts = l.words.map(wordDigits);
  return { digits: parts.map((p) => p.digits).join(''), marks: parts.reduce((a, p) => a + p.marks, 0) };
}

const BY_LENGTH = [...DENOMINATIONS].sort((a, b) => String(b).length - String(a).length);

/** The face value a read of three or more digits starts with, followed by its unit read as one or two stray digits ("50元" → "505"; longest first: "1007" is 100). */
export function valueWithUnit(digits: string): Denomination | undefined {
  return digits.length >= 3 ? BY_LENGTH.find((v) => digits.startsWith(String(v)) && digits.length - String(v).length <= 2) : undefined;
}
