/**
 * What the parsers say of the OCR reads so far (ocr-card.ts ReadChecks): whether the first read
 * is enough, whether some carrier has both numbers, whether a face value was named, whether the
 * big print may have lost its last zero. Each decides
 * whether another OCR call is made.
 */
import { CARD_FORMATS, CARRIERS, DENOMINATIONS, type Carrier } from './classes.js';
import { digitsOf, holds, NUMBER_DIGITS, parseCardText, type CardText } from './card-text.js';
import { bigPrint, BIG_PRINT, fitsGlyphs } from './face-value-length.js';
import { lineDigits } from './value-digits.js';
import { readFaceValue } from './face-value-text.js';
import type { OcrLine } from './ocr-pool.js';
import type { CardLine } from './ocr-card.js';

export const parseAll = (lines: OcrLine[]): Record<Carrier, CardText> =>
  ({ cmcc: parseCardText(lines, 'cmcc'), cucc: parseCardText(lines, 'cucc'), ctcc: parseCardText(lines, 'ctcc') });

/**
 * One read is enough when some carrier's card number was read confidently and one face value
 * dominates that the big print's glyph count allows (a "50元" read as "500" asks for another).
 * A missing PIN is not asked for (a second read did not make PINs more often right on the
 * development set, and a covered or half-scratched PIN would always cost one), unless a number
 * line other than the card number was read: that is a misread PIN (a stray or a lost digit). A
 * PIN read with rival readings of its length asks for another read too (PIN_SETTLED).
 */
export function settledRead(lines: OcrLine[]): boolean {
  const fv = readFaceValue(lines);
  if (fv.best === null || fv.share < SETTLED) return false;
  const big = bigPrint(lines);
  if (big && !fitsGlyphs(big, fv.best)) return false;
  const texts = parseAll(lines);
  const numbers = lines.map(digitsOf).filter((d) => d.length >= NUMBER_DIGITS);
  const otherNumber = (serial: string) => numbers.some((d) => !d.includes(serial) && !serial.includes(d));
  return CARRIERS.some((c) => {
    const { serial, pin } = texts[c];
    return serial !== null && serial.confidence >= SETTLED && (pin !== null ? pin.share >= PIN_SETTLED : !otherNumber(serial.value));
  });
}
const SETTLED = 0.8;
/**
 * A PIN read two ways in one read (a panel and the digit chain inside it, "580986…" and
 * "589986…") asks for another read unless one reading has this share of the votes: the second
 * read then breaks the tie. Dev sets: 12 of 600 photos more read twice, one PIN gained, none lost.
 */
export const PIN_SETTLED = 0.6;

/** Some carrier has its card number read. */
export const serialRead = (lines: OcrLine[]): boolean => {
  const texts = parseAll(lines);
  return CARRIERS.some((c) => texts[c].serial !== null);
};

/** Some carrier has both its card number and its PIN read. */
export const completeRead = (lines: OcrLine[]): boolean => {
  const texts = parseAll(lines);
  return CARRIERS.some((c) => texts[c].serial !== null && texts[c].pin !== null);
};

/** Every card number and PIN some carrier's parser took from the reads. */
const numbersRead = (lines: OcrLine[]): Set<string> => {
  const texts = parseAll(lines);
  return new Set(CARRIERS.flatMap((c) => [texts[c].serial?.value, texts[c].pin?.value]).filter((v): v is string => v !== undefined));
};

/**
 * Whether the reads of a card cut level again (ocr-card.ts straightenedCard) replace the first,
 * incomplete ones: only when they are complete and keep every number the first found (dev set 3:
 * a level card number read one digit short passed for a PIN and pushed out the right PIN).
 */
export function levelReadWins(first: OcrLine[], level: OcrLine[]): boolean {
  if (!completeRead(level)) return false;
  const kept = numbersRead(level);
  // A number the first reads found only as part of a longer one the new reads found is kept (a card number read one digit short, passing for a PIN).
  return [...numbersRead(first)].every((n) => kept.has(n) || [...kept].some((k) => holds(k, n)));
}

/** Some read named a face value. */
export const faceValueRead = (lines: OcrLine[]): boolean => readFaceValue(lines).best !== null;

/**
 * The rows to read once more when some carrier has its card number and a PIN whose winning
 * reading has under PIN_SETTLED of the votes (grey and black-and-white reads disagree at a digit):
 * the rows with a PIN-length read (or one digit more: an edge "1"), not the card number's rows.
 * Development sets 1 and 2: one PIN gained ("0663…" / "9663…" → "8663…"), nothing lost; a third,
 * fresh set (seed 700003), checked afterwards: five PINs gained, nothing lost.
 */
export function contestedPin(lines: CardLine[]): number[] {
  const texts = parseAll(lines);
  const c = CARRIERS.find((k) => texts[k].serial !== null && texts[k].pin !== null && texts[k].pin!.share < PIN_SETTLED);
  if (!c) return [];
  const serial = texts[c].serial!.value;
  const pinLength = CARD_FORMATS[c].pinLength;
  const serialRows = new Set(lines.filter((l) => digitsOf(l).includes(serial)).map((l) => l.row));
  const pinRows = lines.filter((l) => { const d = digitsOf(l); return (d.length === pinLength || d.length === pinLength + 1) && !serial.includes(d) && !serialRows.has(l.row); });
  return [...new Set(pinRows.map((l) => l.row))];
}

/**
 * Rows of the big print read as a two-digit face value on two glyphs ("20") where another row of
 * the card read that value with one more zero ("RMB 200"): the big print's last zero may have
 * dropped out of its line. Read once more, wider (ocr-card.ts rereadValueWider).
 */
export function shortFaceValue(lines: CardLine[]): number[] {
  const words = (l: CardLine) => (l.words ?? []).map(digitsOf);
  const rows = lines.filter((l) => {
    if (!l.onCard || l.relHeight < BIG_PRINT || l.glyphs !== 2) return false;
    const d = lineDigits(l).digits;
    if (!DENOMINATIONS.some((v) => v < 100 && String(v) === d)) return false;
    return lines.some((o) => o.onCard && o.row !== l.row && words(o).includes(`${d}0`));
  });
  return [...new Set(rows.map((l) => l.row))];
}
