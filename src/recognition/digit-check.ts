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
import { digitsOf, withSymbolTexts } from './card-text.js';
import { AppError } from '../core/errors.js';

export const DIGIT_NET_FILE = 'digit-net.json';
/**
 * How the network's probabilities are weighed against tesseract's confusions (digit-net.ts
 * checkedDigit), and at most how many digits of one read line may change (where the network would
 * rewrite more, it does not know the font). Chosen on the glyphs of development sets 1 and 3
 * (held-out fonts; `bench/digit-check.ts --sweep`): of 237 and 266 digits tesseract got wrong, 85
 * and 89 mended, 1 and 6 right ones broken (68 and 66 read lines mended, 1 and 2 broken). Letting
 * in slips seen fewer than 5 times in training (min slips 1) broke 23 right digits on set 3, 35
 * without the change cap: a held-out font's 1 looked like a 7 to the network throughout. With min
 * slips 5 the cap changed nothing on these sets; it stays for fonts nobody tried. Temperature 2
 * mended 97 and 99, broke 2 and 8.
 */
export const DIGIT_CHECK = { temperature: 2.5, minSlips: 5, maxChanges: 2 };
/** Only lines with this many digits are number lines (card numbers and PINs have 15-19); a face value is left to its own checks. */
const NUMBER_LINE_DIGITS = 12;

/** The digit network of a model directory, or null when it has none (older models: no second opinion). */
export function loadDigitNet(dir = defaultModelDir()): DigitNet | null {
  const path = join(dir, DIGIT_NET_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DigitNet;
  } catch (e) {
    throw new AppError('model_unavailable', 503, 'Service unavailable', { detail: `unreadable digit network ${path}; retrain it with training/recognition/train-digit-check.ts`, cause: e });
  }
}

/** A digit glyph of one read line: tesseract's digit, and the glyph's features (null when its box is too small to judge), worked out only when asked for. */
export interface LineGlyph { read: number; features: () => ArrayLike<number> | null }

/**
 * The line's digits after the check: the checked digits, or tesseract's all unchanged when more
 * than maxChanges would change. A read no true digit was misread as often enough in training
 * (a 2, 4, 5 or 7) cannot change, so its glyph is not looked at.
 */
export function checkLineDigits(net: DigitNet, glyphs: LineGlyph[], settings: typeof DIGIT_CHECK = DIGIT_CHECK): number[] {
  const checked = glyphs.map((g) => {
    if (!net.readCounts.some((row, t) => t !== g.read && row[g.read] >= settings.minSlips)) return g.read;
    const f = g.features();
    return f ? checkedDigit(net, f, g.read, settings) : g.read;
  });
  const changes = checked.filter((d, i) => d !== glyphs[i].read).length;
  return changes <= settings.maxChanges ? checked : glyphs.map((g) => g.read);
}

/** The lines with the digits of each number line checked (words and text rebuilt where a digit changed). */
export function checkDigits(lines: OcrLine[], page: Gray, net: DigitNet | null): OcrLine[] {
  if (!net) return lines;
  return lines.map((line) => {
    if (!line.words || digitsOf(line).length < NUMBER_LINE_DIGITS) return line;
    const symbols = line.words.flatMap((w) => w.symbols ?? []).filter((s) => /^\d$/.test(s.text));
    const checked = checkLineDigits(net, symbols.map((s) => ({
      read: Number(s.text),
      features: () => { const cell = glyphCell(page, s.bbox); return cell ? glyphFeatures(cell, boxAspect(s.bbox)) : null; },
    })));
    const digitOf = new Map(symbols.map((s, i) => [s, String(checked[i])]));
    return withSymbolTexts(line, (s) => digitOf.get(s) ?? s.text);
  });
}
