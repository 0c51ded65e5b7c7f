import { describe, expect, it } from 'vitest';
import { completeRead, contestedPin, levelReadWins, serialRead, settledRead, shortFaceValue } from '../../src/recognition/read-checks.js';
import type { CardLine } from '../../src/recognition/ocr-card.js';

/** The big print "50", read clearly, as a line with its one word. */
const bigFifty = { text: '50', confidence: 0.95, words: [{ text: '50', confidence: 0.95, height: 20 }], relHeight: 0.2, glyphs: 2 };
const serial = { text: '5688 9293 5455 6910 127', confidence: 0.95, yc: 0.6 };

describe('whether one OCR read is enough', () => {
  it('settles on a clear face value and card number, with the PIN still under its scratch panel', () => {
    expect(settledRead([bigFifty, serial])).toBe(true);
    expect(completeRead([bigFifty, serial])).toBe(false);
    // A card number read, the PIN not: the card is not cut again for its PIN (relocatedCard), unless the cut was oversized (ocr-card.ts oversizedCut).
    expect(serialRead([bigFifty, serial])).toBe(true);
    expect(serialRead([bigFifty])).toBe(false);
  });

  it('asks for another read when a second number line was read with a digit count no field has', () => {
    // A 20-digit read below a ctcc card number: the 18-digit PIN with stray digits.
    const misreadPin = { text: '77169889372193601723 11', confidence: 0.3, yc: 0.8 };
    expect(settledRead([bigFifty, serial, misreadPin])).toBe(false);
  });

  it('asks for another read when the PIN was read two ways alike', () => {
    // A panel and the digit chain inside it, each read at tesseract's confidence 0.
    const panel = { text: '580986790565348139', confidence: 0, yc: 0.8 };
    const chain = { text: '589986790565348139', confidence: 0, yc: 0.8 };
    expect(settledRead([bigFifty, serial, panel, chain])).toBe(false);
    expect(settledRead([bigFifty, serial, chain, chain, panel])).toBe(true);
  });

  it('settles when the PIN was read too', () => {
    const pin = { text: '897253865903598102', confidence: 0.9, yc: 0.8 };
    expect(settledRead([bigFifty, serial, pin])).toBe(true);
    expect(completeRead([bigFifty, serial, pin])).toBe(true);
  });
});

describe('which rows are read once more for a PIN still in doubt', () => {
  const line = (text: string, row: number, yc: number): CardLine => ({ text, confidence: 0.5, row, yc, relHeight: 0.04, onCard: true, glyphs: 18, aspect: 10 });
  const serialRow = [line('766661948728417', 3, 0.5), line('766661948728417', 3, 0.5)];

  it('names the PIN rows when the grey and black-and-white reads disagree at a digit, never the card number\'s', () => {
    const rows = contestedPin([...serialRow, line('9663475670791014477', 5, 0.7), line('0663475670791014477', 6, 0.7), line('1766661948728417', 3, 0.5)]);
    expect(rows.sort()).toEqual([5, 6]);
  });

  it('names none when one PIN reading has most of the votes', () => {
    expect(contestedPin([...serialRow, line('8663475670791014477', 5, 0.7), line('8663475670791014477', 6, 0.7), line('0663475670791014477', 6, 0.7)])).toEqual([]);
  });
});

describe('whether the reads of a card cut level again replace the first ones', () => {
  // A ctcc card: 19-digit card number, 18-digit PIN.
  const ctccSerial = { text: '9598853590074900997', confidence: 0.9, yc: 0.5 };
  const ctccPin = { text: '896218707796491807', confidence: 0.9, yc: 0.8 };

  it('takes level reads that found both numbers where the first found neither', () => {
    expect(levelReadWins([bigFifty], [bigFifty, ctccSerial, ctccPin])).toBe(true);
  });

  it('keeps the first reads when the level ones are still incomplete', () => {
    expect(levelReadWins([bigFifty], [bigFifty, ctccPin])).toBe(false);
  });

  it('keeps the first reads when the level ones lose a number the first found', () => {
    // Level: the card number read one digit short is an 18-digit "PIN", and the right PIN is gone.
    const shortSerial = { text: '598853590074900997', confidence: 0.9, yc: 0.5 };
    const otherSerial = { text: '72804972496625900', confidence: 0.9, yc: 0.3 };
    expect(levelReadWins([bigFifty, ctccPin], [bigFifty, otherSerial, shortSerial])).toBe(false);
    expect(levelReadWins([bigFifty, ctccPin], [bigFifty, ctccSerial, ctccPin])).toBe(true);
  });

  it('takes level reads that lose only a number found within a longer one they read', () => {
    // First: the card number read one digit short, an 18-digit "PIN" of another carrier's; again: the whole card number and the PIN.
    const serialMissingFirst = { text: ctccSerial.text.slice(1), confidence: 0.9, yc: 0.5 };
    expect(levelReadWins([bigFifty, serialMissingFirst], [bigFifty, ctccSerial, ctccPin])).toBe(true);
  });
});

describe('a big print that may have lost its last zero', () => {
  const line = (text: string, row: number, relHeight: number, glyphs: number, onCard = true): CardLine =>
    ({ text, confidence: 1, words: [{ text, confidence: 1, height: relHeight * 100 }], relHeight, glyphs, row, onCard, yc: 0.5, aspect: glyphs });

  it('is read again when another row of the card read its value with one more zero (dev set 3, photo 00085: big "20", small "RMB 200")', () => {
    expect(shortFaceValue([line('20', 5, 0.158, 2), line('200', 9, 0.043, 2), line('20', 5, 0.158, 2)])).toEqual([5]);
  });

  it('is not when nothing else read the longer value, the other read is off the card, or the big print has three glyphs', () => {
    expect(shortFaceValue([line('20', 5, 0.158, 2), line('85', 7, 0.049, 2)])).toEqual([]);
    expect(shortFaceValue([line('20', 5, 0.158, 2), line('200', 9, 0.043, 2, false)])).toEqual([]);
    expect(shortFaceValue([line('20', 5, 0.158, 3), line('200', 9, 0.043, 2)])).toEqual([]);
    expect(shortFaceValue([line('200', 5, 0.158, 2), line('2000', 9, 0.043, 2)])).toEqual([]);
  });
});
