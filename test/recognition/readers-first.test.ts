import { describe, expect, it } from 'vitest';
import { asPrintedReads, readersSettled } from '../../src/recognition/readers-first.js';
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
