/**
 * Reads the printed face value from OCR words: a word whose digits are exactly a denomination
 * votes for it, weighted by confidence and glyph height so the big print counts most. Under a
 * digit whitelist a trailing "元" or "RMB" comes out as one or two stray digits, so a word that
 * starts with a denomination votes at 0.7 weight (longest denomination first: "1007" is 100), and
 * one behind a stray leading digit (a "¥") at 0.5, but not in a line read as more than two digit
 * words (a merged big "500" read "11 040 104" is noise, not "10元").
 * On the big print a whole word that is exactly a face value with as many digits as the line has
 * glyphs counts at confidence 0.9 at least: tesseract gives such reads confidence 0 often, and on
 * the development sets they were right every time (361 of 361), except on print much smaller
 * than the tallest read face value (a header half the height of a "300" read "20": TALLEST_SHARE).
 * Digits that belong to the card number or PIN lines are ignored; print outside the predicted
 * card (a price tag, a sticky note) counts little. Readings that differ only by a trailing zero
 * are then cross-checked across lines (trailing-zero.ts).
 */
import { DENOMINATIONS, type Denomination } from './classes.js';
import type { OcrLine } from './ocr-pool.js';
import { resolveTrailingZero, type Sighting } from './trailing-zero.js';
import { BIG_PRINT } from './face-value-length.js';
import { digitsOf, NUMBER_DIGITS } from './card-text.js';
import { valueWithUnit, wordDigits } from './value-digits.js';

/** `sightings`: the face values read on the card's printed rows (rowKey), as the trailing-zero cross-check saw them. */
export interface FaceValueVotes { votes: Map<Denomination, number>; best: Denomination | null; share: number; sightings: Sighting[] }

/** A printed row: the grey and black-and-white reads of one row share its height, so it is counted once. */
export const rowKey = (line: { relHeight?: number }, i: number): string => (line.relHeight !== undefined ? `h${line.relHeight.toFixed(4)}` : `l${i}`);

/** Confidence an exact face value on the big print counts with at least. */
const BIG_EXACT_FLOOR = 0.9;
/** Digit words a line may be read as for a word that starts with a face value to count (dev sets: one face value gained, none lost). */
const MAX_UNIT_WORDS = 2;
/** Share of the tallest face-value read's glyph height a line needs for the floor (dev sets: one face value gained, nothing else changed). */
const TALLEST_SHARE = 0.6;

/**
 * A leading "¥" comes out as one stray digit ("¥200元" → "12007"): the rest must be a whole
 * denomination or one followed by a unit, and at least four digits so "8105" is not read as 10.
 */
function afterCurrencySign(rest: string): Denomination | undefined {
  const exact = DENOMINATIONS.find((v) => String(v) === rest);
  if (exact) return exact;
  return rest.length < 4 ? undefined : valueWithUnit(rest);
}

export function readFaceValue(lines: Array<OcrLine & { onCard?: boolean; relHeight?: number; glyphs?: number }>): FaceValueVotes {
  const votes = new Map<Denomination, number>();
  const sightings: Sighting[] = [];
  // The face value is the card's biggest print: a big-print line far smaller than the tallest one
  // read as a face value is other print (a logo, a header) and gets no floor.
  const tallest = Math.max(0, ...lines.filter((l) => l.onCard !== false && DENOMINATIONS.some((v) => digitsOf(l).includes(String(v))))
    .map((l) => l.relHeight ?? 0));
  lines.forEach((line, i) => {
    const digits = digitsOf(line).length;
    if (digits >= NUMBER_DIGITS) return; // a card number or PIN line
    // A part-read number line ("5228 3032 53"): only a whole-word denomination may count there.
    const numberish = digits >= 9;
    // A face value with its sign and unit reads as one or two words ("1 2007"): a line read as
    // more digit words is noise, and a word starting with a face value in it is no "200元".
    const garbled = (line.words ?? []).filter((w) => /\d/.test(w.text)).length > MAX_UNIT_WORDS;
    const onCard = line.onCard !== false;
    const where = onCard ? 1 : 0.3;
    const row = rowKey(line, i);
    for (const w of line.words ?? []) {
      // Only the big print's boxes are tall enough to tell a mark from a digit.
      const { digits: d, marks } = (line.relHeight ?? 0) >= BIG_PRINT ? wordDigits(w) : { digits: digitsOf(w), marks: 0 };
      const exact = DENOMINATIONS.find((v) => String(v) === d);
      // Tesseract's confidence means little on the big print: a whole word there that is exactly a
      // face value with as many digits as the line has glyphs was right however low its confidence.
      const big = exact !== undefined && onCard && (line.relHeight ?? 0) >= Math.max(BIG_PRINT, TALLEST_SHARE * tallest) && (line.glyphs === d.length || line.glyphs === d.length + marks);
      const weight = Math.max(big ? BIG_EXACT_FLOOR : 0.05, w.confidence) * Math.max(1, w.height) * where;
      // A group of a part-read number is no printed row of the face value for the cross-check.
      if (exact) { votes.set(exact, (votes.get(exact) ?? 0) + weight); if (onCard && !numberish) sightings.push({ value: exact, row }); continue; }
      if (numberish || garbled) continue;
      const prefix = valueWithUnit(d);
      const shifted = prefix === undefined && d.length >= 4 ? afterCurrencySign(d.slice(1)) : undefined;
      const found = prefix ?? shifted;
      if (found) { votes.set(found, (votes.get(found) ?? 0) + weight * (prefix ? 0.7 : 0.5)); if (onCard) sightings.push({ value: found, row }); }
    }
  });
  // Share is measured before the cross-check: reads that disagree (50 vs 500) still ask for a second read.
  const raw = Math.max(0, ...votes.values());
  resolveTrailingZero(votes, sightings);
  let best: Denomination | null = null;
  let total = 0;
  for (const [d, v] of votes) { total += v; if (best === null || v > (votes.get(best) ?? 0)) best = d; }
  return { votes, best, share: best === null ? 0 : raw / total, sightings };
}
