import { describe, expect, it } from 'vitest';
import { lineDigits, wordDigits } from '../../src/recognition/value-digits.js';
import { readFaceValue } from '../../src/recognition/face-value-text.js';
import { bigPrint } from '../../src/recognition/face-value-length.js';
import type { OcrWord } from '../../src/recognition/ocr-pool.js';

const sym = (text: string, x0: number, y0: number, x1: number, y1: number) => ({ text, bbox: { x0, y0, x1, y1 } });
// Dev set 5, photo 00267: the big "50元" read "500", the last "0" a box 10 px tall beside 25-px digits.
const fiftyYuan: OcrWord = { text: '500', confidence: 0, height: 13, symbols: [sym('5', 38, 708, 56, 733), sym('0', 57, 707, 74, 732), sym('0', 75, 721, 107, 731)] };

describe('face-value digits without the unit beside them', () => {
  it('drops a symbol far shorter than the word\'s other digits', () => {
    expect(wordDigits(fiftyYuan)).toEqual({ digits: '50', marks: 1 });
    expect(lineDigits({ text: '500', confidence: 0, words: [fiftyYuan] })).toEqual({ digits: '50', marks: 1 });
  });

  it('keeps digits of one height, and does not judge two symbols (one may be a digit merged with a decoration)', () => {
    const even: OcrWord = { text: '500', confidence: 0.9, height: 13, symbols: [sym('5', 0, 0, 18, 25), sym('0', 20, 0, 38, 25), sym('0', 40, 1, 58, 24)] };
    expect(wordDigits(even)).toEqual({ digits: '500', marks: 0 });
    const two: OcrWord = { text: '00', confidence: 0.9, height: 13, symbols: [sym('0', 0, 0, 20, 28), sym('0', 22, 0, 86, 49)] };
    expect(wordDigits(two)).toEqual({ digits: '00', marks: 0 });
    expect(wordDigits({ text: '1 20', confidence: 0.9, height: 13 })).toEqual({ digits: '120', marks: 0 });
  });

  it('reads the big "50元" as 50, its glyph count without the unit', () => {
    const line = { text: '500', confidence: 0, words: [fiftyYuan], relHeight: 0.13, glyphs: 3, onCard: true };
    expect(readFaceValue([line]).best).toBe(50);
    expect(bigPrint([line])).toEqual({ glyphs: 2, digits: '50' });
  });
});
