/**
 * A second opinion on each digit of a number line: tesseract slips on blurred digits (a dotted 0
 * read as 6, a 9 the zero check took for a 0, a 5 read as 3) with full confidence, often the same
 * way in every read style, so voting over the reads cannot mend them. A small network trained here
 * on glyphs cut from the pipeline's own stacked pages (digit-glyph.ts, digit-net.ts) is weighed
 * against how often tesseract reads each true digit as the one it read (digit-net.ts checkedDigit).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Gray } from './deskew.js';
import type { OcrLine } from './ocr-pool.js';
import { boxAspect, glyphCell, glyphFeatures } from './digit-glyph.js';
import { checkedDigit, type DigitNet } from './digit-net.js';
import { defaultModelDir } from './model-meta.js';
import { digitsOf } from './card-text.js';

export const DIGIT_NET_FILE = 'digit-net.json';
/**
 * How the network's probabilities are weighed against tesseract's confusions (digit-net.ts
 * checkedDigit), and at most how many digits of one read line may change: where the network would
 * rewrite more, it does not know the font (a held-out font's 1 taken for a 7 throughout). Chosen on
 * the glyphs of development sets 1 and 3 (held-out fonts; bench/digit-check.ts).
 */
export const DIGIT_CHECK = { temperature: 2.5, minSlips: 5, maxChanges: 2 };
/** Only lines with this many digits are number lines (card numbers and PINs have 15-19); a face value is left to its own checks. */
const NUMBER_LINE_DIGITS = 12;

let cached: { dir: string; net: DigitNet | null } | undefined;

/** The digit network of a model directory, or null when it has none (older models: no second opinion). */
export function loadDigitNet(dir = defaultModelDir()): DigitNet | null {
  if (cached?.dir === dir) return cached.net;
  const path = join(dir, DIGIT_NET_FILE);
  const net = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DigitNet) : null;
  cached = { dir, net };
  return net;
}

/** A digit glyph of one read line: its features (null when its box is too small to judge) and tesseract's digit. */
export interface LineGlyph { features: ArrayLike<number> | null; read: number }

/** The line's digits after the check: the checked digits, or tesseract's all unchanged when more than maxChanges would change. */
export function checkLineDigits(net: DigitNet, glyphs: LineGlyph[], settings: typeof DIGIT_CHECK = DIGIT_CHECK): number[] {
  const checked = glyphs.map((g) => (g.features ? checkedDigit(net, g.features, g.read, settings) : g.read));
  const changes = checked.filter((d, i) => d !== glyphs[i].read).length;
  return changes <= settings.maxChanges ? checked : glyphs.map((g) => g.read);
}

/** The lines with the digits of each number line checked (words and text rebuilt where a digit changed). */
export function checkDigits(lines: OcrLine[], page: Gray, net: DigitNet | null): OcrLine[] {
  if (!net) return lines;
  return lines.map((line) => {
    if (!line.words || digitsOf(line).length < NUMBER_LINE_DIGITS) return line;
    const symbols = line.words.flatMap((w) => w.symbols ?? []).filter((s) => /^\d$/.test(s.text));
    const checked = checkLineDigits(net, symbols.map((s) => {
      const cell = glyphCell(page, s.bbox);
      return { features: cell ? glyphFeatures(cell, boxAspect(s.bbox)) : null, read: Number(s.text) };
    }));
    const digitOf = new Map(symbols.map((s, i) => [s, String(checked[i])]));
    if (symbols.every((s) => digitOf.get(s) === s.text)) return line;
    const words = line.words.map((w) => {
      if (!w.symbols?.some((s) => digitOf.has(s) && digitOf.get(s) !== s.text)) return w;
      const rebuilt = w.symbols.map((s) => (digitOf.has(s) ? { ...s, text: digitOf.get(s)! } : s));
      return { ...w, text: rebuilt.map((s) => s.text).join(''), symbols: rebuilt };
    });
    return { ...line, words, text: words.map((w) => w.text).join(' ') };
  });
}
