import { describe, expect, it } from 'vitest';
import { asPrintedReads, readersSettled, smallPrintRows, tenfoldPossible } from '../../src/recognition/readers-first.js';
import type { TextLine } from '../../src/recognition/text-lines.js';
import type { PreparedCard } from '../../src/recognition/ocr-card.js';
import { parseAll } from '../../src/recognition/read-checks.js';
import { fuseWithText } from '../../src/recognition/text-fusion.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import type { CardLine } from '../../src/recognition/ocr-card.js';

const place = { words: [], onCard: true, glyphs: 17, aspect: 12 };
/** The line reader's reads: a cmcc card number (17 digits) and PIN (18). */
const serial = (confidence: number): CardLine => ({ text: '54731498963162969', confidence, row: 3, yc: 0.6, relHeight: 0.05, ...place });
const pin = (confidence: number, text = '102733201029701692'): CardLine => ({ text, confidence, row: 4, yc: 0.8, relHeight: 0.05, ...place, glyphs: 18 });
/** The value reader's read of the big print. */
const value = (text: string, confidence: number, onCard = true): CardLine => ({ text, confidence, row: 0, yc: 0.3, relHeight: 0.2, onCard, glyphs: text.length, aspect: 2 });

/** The classifier: sure of the carrier (cmcc), unsure of the face value (100 at 0.4, as on a held-out design). */
const carrierProbs = [0.98, 0.01, 0.01];
const denomProbs = DENOMINATIONS.map((d) => (d === 100 ? 0.4 : d === 10 ? 0.3 : 0.3 / 6));

function settles(numbers: CardLine[], values: CardLine[]): boolean {
  const texts = parseAll(numbers);
  const fused = fuseWithText(carrierProbs, denomProbs, asPrintedReads(values), texts, null, values, numbers);
  return readersSettled(texts, values, fused);
}

describe('readers first: whether the line and value readers settle a card without tesseract', () => {
  it('settles a card whose card number, PIN and face value the readers read surely', () => {
    expect(settles([serial(0.99), pin(0.9)], [value('100', 0.999)])).toBe(true);
  });

  it('does not settle a card number or PIN read unsurely (one misread digit at 0.95 was seen)', () => {
    expect(settles([serial(0.95), pin(0.9)], [value('100', 0.999)])).toBe(false);
    expect(settles([serial(0.99), pin(0.61)], [value('100', 0.999)])).toBe(false);
  });

  it('does not settle a card with no PIN read: the finger over it often hides part of the face value', () => {
    expect(settles([serial(0.99)], [value('100', 0.999)])).toBe(false);
  });

  it('does not settle a PIN read two ways alike', () => {
    expect(settles([serial(0.99), pin(0.9), pin(0.9, '102733201029701693')], [value('100', 0.999)])).toBe(false);
  });

  it('does not settle the face value unless every value read on the card names the same one, surely', () => {
    expect(settles([serial(0.99), pin(0.9)], [])).toBe(false);
    expect(settles([serial(0.99), pin(0.9)], [value('100', 0.97)])).toBe(false);
    expect(settles([serial(0.99), pin(0.9)], [value('100', 0.999), value('10', 0.999)])).toBe(false);
    // A read off the card does not vote, and one that is no face value ("1007") neither.
    expect(settles([serial(0.99), pin(0.9)], [value('100', 0.999), value('10', 0.999, false), value('1007', 0.9)])).toBe(true);
  });

  it('stands the value reads in for tesseract\'s printed-value read: the face value comes out as sure', () => {
    const values = [value('100', 0.999)];
    const texts = parseAll([serial(0.99), pin(0.9)]);
    const without = fuseWithText(carrierProbs, denomProbs, [], texts, null, values);
    const standing = fuseWithText(carrierProbs, denomProbs, asPrintedReads(values), texts, null, values);
    const p100 = DENOMINATIONS.indexOf(100);
    expect(standing.denomProbs[p100]).toBeGreaterThan(0.8);
    expect(without.denomProbs[p100]).toBeLessThan(standing.denomProbs[p100]);
    expect(asPrintedReads(values)[0].words).toEqual([{ text: '100', confidence: 0.999, height: 20 }]);
    expect(CARRIERS[standing.carrierProbs.indexOf(Math.max(...standing.carrierProbs))]).toBe('cmcc');
  });
});

describe('readers first: a two-digit face value asks for the small print', () => {
  const fusedOn = (d: number) => ({ denomProbs: DENOMINATIONS.map((v) => (v === d ? 0.9 : 0.1 / 7)) });

  it('only for a value whose tenfold is a face value too ("30" may be "300" with its last zero under a finger)', () => {
    expect([10, 20, 30, 50].map((d) => tenfoldPossible(fusedOn(d)))).toEqual([true, true, true, true]);
    expect([100, 200, 300, 500].map((d) => tenfoldPossible(fusedOn(d)))).toEqual([false, false, false, false]);
  });

  it('lets the small print that names the tenfold unsettle the card', () => {
    const numbers = [serial(0.99), pin(0.9)];
    const values = [value('30', 0.999)];
    const texts = parseAll(numbers);
    const thirty = DENOMINATIONS.map((d) => (d === 30 ? 0.4 : 0.6 / 7));
    const fuse = (small: CardLine[]) => fuseWithText(carrierProbs, thirty, [...asPrintedReads(values), ...small], texts, null, values, numbers);
    expect(readersSettled(texts, values, fuse([]))).toBe(true);
    // "RMB 300" in the small print, as tesseract reads it (dev set 2 photo 00046: a fingertip over the big print's last zero).
    const rmb300: CardLine = { text: '300', confidence: 0.9, words: [{ text: '300', confidence: 0.9, height: 3 }], row: 7, yc: 0.7, relHeight: 0.03, onCard: true, glyphs: 6, aspect: 4 };
    expect(readersSettled(texts, values, fuse([rmb300]))).toBe(false);
    // Small print that says nothing of the face value leaves it settled.
    expect(readersSettled(texts, values, fuse([{ ...rmb300, text: '5', words: [{ text: '5', confidence: 0.9, height: 3 }] }]))).toBe(true);
  });

  it('reads as small print only the lines neither reader reads', () => {
    const line = (count: number, glyphHeight: number, fill = 0.4): TextLine => ({ x0: 0, y0: 0, x1: 10 * count, y1: glyphHeight, glyphHeight, slope: 0, count, fill, light: false });
    // A card 500 px tall: a card number (17 glyphs), a panel, the big print (3 glyphs, 0.2 of the card), a label and "RMB 300".
    const lines = [line(17, 25), line(1, 30, 0.9), line(3, 100), line(4, 14), line(6, 14)];
    const p = { card: { cardHeight: 500 }, lines } as unknown as PreparedCard;
    expect(smallPrintRows(p)).toEqual([3, 4]);
  });
});
