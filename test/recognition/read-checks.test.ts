import { describe, expect, it } from 'vitest';
import { completeRead, settledRead } from '../../src/recognition/read-checks.js';

/** The big print "50", read clearly, as a line with its one word. */
const bigFifty = { text: '50', confidence: 0.95, words: [{ text: '50', confidence: 0.95, height: 20 }], relHeight: 0.2, glyphs: 2 };
const serial = { text: '5688 9293 5455 6910 127', confidence: 0.95, yc: 0.6 };

describe('whether one OCR read is enough', () => {
  it('settles on a clear face value and card number, with the PIN still under its scratch panel', () => {
    expect(settledRead([bigFifty, serial])).toBe(true);
    expect(completeRead([bigFifty, serial])).toBe(false);
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
