import { describe, expect, it } from 'vitest';
import { readFaceValue } from '../../src/recognition/face-value-text.js';

const line = (text: string, height: number, relHeight: number, confidence = 0.9) =>
  ({ text, confidence, relHeight, words: [{ text, confidence, height }] });

describe('face value: a dropped or added trailing zero', () => {
  it('prefers the reading that more printed rows agree on over the taller print', () => {
    // Big print lost its last zero; "¥500" and "面值 500 元" (unit read as a digit) both say 500.
    const fv = readFaceValue([line('50', 20, 0.2), line('500', 5, 0.05), line('5007', 4, 0.04)]);
    expect(fv.best).toBe(500);
  });

  it('also catches an added zero', () => {
    const fv = readFaceValue([line('100', 20, 0.2), line('10', 5, 0.05), line('10', 4, 0.04)]);
    expect(fv.best).toBe(10);
  });

  it('counts the grey and black-and-white reads of one row once', () => {
    // Two reads of the big "50" row against two distinct small-print rows reading 500.
    const fv = readFaceValue([line('50', 20, 0.2), line('50', 20, 0.2), line('500', 5, 0.05), line('500', 4, 0.04)]);
    expect(fv.best).toBe(500);
  });

  it('on a tie of rows takes the longer reading; unrelated values keep the height-weighted vote', () => {
    expect(readFaceValue([line('50', 20, 0.2), line('500', 5, 0.05)]).best).toBe(500);
    expect(readFaceValue([line('30', 20, 0.2), line('50', 5, 0.05), line('50', 4, 0.04)]).best).toBe(30);
  });
});

describe('face value: small print', () => {
  it('reads "¥200元" with the sign and the unit read as digits ("12007")', () => {
    expect(readFaceValue([line('12007', 4, 0.04, 0)]).best).toBe(200);
    expect(readFaceValue([line('8105', 4, 0.04)]).best).toBeNull(); // too short to be "¥" + value
  });

  it('falls back to the small print when the big line was not read', () => {
    const fv = readFaceValue([line('00', 10, 0.1), line('13007', 4, 0.04, 0), line('300', 4, 0.05, 0)]);
    expect(fv.best).toBe(300);
  });

  it('does not take a denomination from a part-read card number line', () => {
    const fv = readFaceValue([line('200', 19, 0.19, 0), { text: '5228 3032 53', confidence: 0.5, relHeight: 0.05, words: ['5228', '3032', '53'].map((text) => ({ text, confidence: 0.5, height: 5 })) }]);
    expect(fv.best).toBe(200);
  });

  it('ignores off-card print when cross-checking rows', () => {
    const fv = readFaceValue([line('10', 20, 0.2), { ...line('100', 5, 0.05), onCard: false }]);
    expect(fv.best).toBe(10);
  });
});

describe('face value: the biggest print', () => {
  // A dev photo: the real "300" (2 glyphs: "00" joined) read at confidence 0 beside the small print
  // "RMB 300", and a header half its height read "20", whose digit count matched its glyphs.
  const big = (text: string, relHeight: number, glyphs: number) => ({ ...line(text, relHeight * 100, relHeight, 0), glyphs, onCard: true });
  const lines = [big('20', 0.127, 2), big('300', 0.279, 2), big('300', 0.279, 2), { ...line('300', 4.1, 0.041, 0.96), glyphs: 3 }];

  it('gives the confidence floor only to print near the tallest face-value read', () => {
    expect(readFaceValue(lines).best).toBe(300);
  });

  it('still gives it to a big print that is the tallest', () => {
    expect(readFaceValue([big('20', 0.127, 2), { ...line('300', 4.1, 0.041, 0.5), glyphs: 3 }]).best).toBe(20);
  });
});

describe('face value: a garbled line', () => {
  it('takes no face value from a word that starts with one in a line read as many digit words', () => {
    // A dev photo: a merged big "500" read "11 040 104"; "104" is no "10元".
    const words = ['11', '040', '104'].map((text) => ({ text, confidence: 0, height: 11 }));
    expect(readFaceValue([{ text: '11 040 104', confidence: 0, relHeight: 0.11, words }]).best).toBeNull();
  });

  it('still reads "¥200元" as two words', () => {
    const words = ['1', '2007'].map((text) => ({ text, confidence: 0.5, height: 4 }));
    expect(readFaceValue([{ text: '1 2007', confidence: 0.5, relHeight: 0.04, words }]).best).toBe(200);
  });
});
