import { describe, expect, it } from 'vitest';
import { fuseWithText } from '../../src/recognition/text-fusion.js';
import { readFaceValue } from '../../src/recognition/face-value-text.js';
import { bigPrint, completions } from '../../src/recognition/face-value-length.js';
import { parseCardText } from '../../src/recognition/card-text.js';
import { CARRIERS, DENOMINATIONS, type Carrier } from '../../src/recognition/classes.js';
import type { OcrLine } from '../../src/recognition/ocr-pool.js';

type Line = OcrLine & { onCard?: boolean; relHeight?: number; glyphs?: number };
const line = (text: string, confidence: number, relHeight: number, glyphs: number): Line =>
  ({ text, confidence, relHeight, glyphs, onCard: true, words: text.split(' ').map((t) => ({ text: t, confidence, height: relHeight * 100 })) });
const uniform = (n: number) => new Array<number>(n).fill(1 / n);
const parseAll = (lines: Line[]) => Object.fromEntries(CARRIERS.map((c) => [c, parseCardText(lines, c)])) as Record<Carrier, ReturnType<typeof parseCardText>>;
const fuse = (lines: Line[], denomProbs = uniform(DENOMINATIONS.length), carrierProbs = uniform(CARRIERS.length)) => {
  const r = fuseWithText(carrierProbs, denomProbs, lines, parseAll(lines));
  return { carrier: CARRIERS[r.carrierProbs.indexOf(Math.max(...r.carrierProbs))], denom: DENOMINATIONS[r.denomProbs.indexOf(Math.max(...r.denomProbs))], ...r };
};

describe('face value: the big print read with zero confidence', () => {
  it('counts a whole big-print word that is a face value with its glyph count, whatever its confidence', () => {
    // Big "200" (3 glyphs) read with confidence 0; a small label read "1048" looks like "10元".
    const lines = [line('200', 0, 0.14, 3), line('1048', 0.96, 0.028, 2), line('1048', 0.96, 0.027, 2)];
    expect(readFaceValue(lines).best).toBe(200);
  });

  it('does not lift a zero-confidence read whose length differs from the line\'s glyphs (a logo read as "10")', () => {
    const fv = readFaceValue([line('10', 0, 0.124, 6), line('20', 0.9, 0.05, 2)]);
    expect(fv.best).toBe(20);
  });
});

describe('face value: a big print whose leading digit was lost', () => {
  it('takes "00" on the big print as a three-digit face value', () => {
    const p = bigPrint([line('00', 0.9, 0.18, 2)]);
    expect(p).toEqual({ glyphs: 2, digits: '00' });
    expect(completions(p!)).toEqual([100, 200, 300, 500]);
  });

  it('lets the classifier choose among the three-digit values, over a stray "10" read elsewhere', () => {
    const denom = DENOMINATIONS.map((d) => (d === 10 ? 0.2 : d === 500 ? 0.15 : 0.65 / 6));
    const r = fuse([line('00', 0.9, 0.187, 3), line('10', 0, 0.124, 6)], denom);
    expect(r.denom).toBe(500);
    // Without the big print the stray "10" decides.
    expect(fuse([line('10', 0, 0.124, 6)], denom).denom).toBe(10);
  });

  it('weighs a value that does not end in the big print\'s "00" down, and adds the small print to the completions', () => {
    // A dev photo: big "200" (4 glyphs) read "00", a sticky note "304" beside the card (30 and a
    // stray digit), the small print "面值 200 元" read "1 200" at confidence 0.
    const denom = DENOMINATIONS.map((d) => (d === 10 ? 0.22 : d === 50 ? 0.19 : 0.59 / 6));
    const lines = [line('00', 0.96, 0.128, 4), line('304', 0.96, 0.05, 3), line('1 200', 0, 0.042, 5)];
    expect(fuse(lines, denom).denom).toBe(200);
  });

  it('takes the fullest read of the big print among lines of its height', () => {
    // A dev photo: the big "300" found twice, as "300" on 4 glyphs and as "3" on 2; a sticky note "310" read "10".
    const lines = [line('10', 0.96, 0.077, 2), line('300', 0.96, 0.185, 4), line('3', 0, 0.19, 2)];
    expect(bigPrint(lines)).toEqual({ glyphs: 4, digits: '300' });
    expect(fuse(lines).denom).toBe(300);
  });

  it('keeps a two-glyph "00" a possible misread two-digit value', () => {
    // A "50" read "00": as many glyphs as digits, so no digit was lost.
    expect(fuse([line('00', 0.43, 0.208, 2), line('50', 0, 0.06, 3)]).denom).toBe(50);
  });
});

describe('carrier: a number read inside a longer number', () => {
  it('does not take a 15-digit run inside an 18-digit line as a cucc card number', () => {
    // An 18-digit PIN (cmcc or ctcc) read as four groups; its first 15 digits fit cucc's card number.
    const lines = [line('3004 7984 3129 909 302', 0.54, 0.036, 18)];
    const texts = parseAll(lines);
    expect(texts.cucc.serial?.value).toBe('300479843129909');
    const r = fuse(lines, undefined, [0.14, 0.24, 0.62]);
    expect(r.carrier).toBe('ctcc');
  });

  it('does not take the line reader\'s 15-digit read of a chain inside its 16-digit read of the panel as a cucc card number', () => {
    // A 19-digit ctcc card number whose chain blur cut to nine glyphs: the reader read the chain as
    // its last 15 digits and the panel around it as 16 (no format's length); tesseract read the
    // panel as 18 digits.
    const tesseract = [line('3604 7984 3129 909 302', 0.62, 0.036, 1)];
    const reader = [{ ...line('796451299491502', 0.8, 0.036, 9), reader: 'best' }, { ...line('4796451299491502', 0.7, 0.036, 1), reader: 'best' }];
    const texts = parseAll([...tesseract, ...reader]);
    expect(texts.cucc.serial?.value).toBe('796451299491502');
    const carrierOf = (r: { carrierProbs: number[] }) => CARRIERS[r.carrierProbs.indexOf(Math.max(...r.carrierProbs))];
    const prior = [0.1, 0.1, 0.8]; // cmcc, cucc, ctcc
    expect(carrierOf(fuseWithText(prior, uniform(DENOMINATIONS.length), tesseract, texts, null, [], reader))).toBe('ctcc');
    // A panel edge's "1" more is the same number, not a longer one: the card number counts whole.
    const edge = [reader[0], { ...reader[1], text: '1796451299491502' }];
    expect(carrierOf(fuseWithText(prior, uniform(DENOMINATIONS.length), tesseract, parseAll([...tesseract, ...edge]), null, [], edge))).toBe('cucc');
  });

  it('still counts a 15-digit line of its own as cucc evidence', () => {
    const r = fuse([line('457002941124966', 0.9, 0.03, 15)], undefined, [0.45, 0.1, 0.45]);
    expect(r.carrier).toBe('cucc');
  });
});

describe('card numbers read with zero confidence', () => {
  it('still count as some evidence for the format they fit', () => {
    const t = parseCardText([{ text: '33271469720212287', confidence: 0 }], 'cmcc');
    expect(t.serial?.value).toBe('33271469720212287');
    expect(t.serial!.confidence).toBeGreaterThanOrEqual(0.1);
  });
});

describe('face value: a denomination inside a part-read number line', () => {
  it('is no printed row for the trailing-zero cross-check', () => {
    // Big "20"; the card number read in part as "200 908 87 129" must not turn it into 200.
    const fv = readFaceValue([line('20', 0.96, 0.093, 2), line('200 908 87 129', 0.31, 0.027, 1)]);
    expect(fv.best).toBe(20);
  });
});

describe('face value: the big print read with its unit', () => {
  it('takes "505" on a two-glyph big print for "50元", not a smaller "200" elsewhere for the big print', () => {
    // Dev set 2, photo 00115: the big "50元" read "505"; a sticky note's "200" at half its height.
    const lines = [line('505', 1, 0.249, 2), line('200', 1, 0.095, 3)];
    expect(bigPrint(lines)).toEqual({ glyphs: 2, digits: '505' });
    expect(fuse(lines).denom).toBe(50);
  });
});

describe('face value: the value reader', () => {
  const read = (text: string, confidence: number, relHeight: number, onCard = true) => ({ text, confidence, relHeight, onCard });
  const fuseReads = (lines: Line[], reads: ReturnType<typeof read>[]) => {
    const r = fuseWithText(uniform(CARRIERS.length), uniform(DENOMINATIONS.length), lines, parseAll(lines), null, reads);
    return DENOMINATIONS[r.denomProbs.indexOf(Math.max(...r.denomProbs))];
  };

  it('outvotes tesseract\'s misread of the big print ("00" beside a stray "30") with its read of the whole print', () => {
    const lines = [line('00', 0.97, 0.14, 2), line('30', 0.96, 0.13, 2)];
    expect(fuseReads(lines, [])).not.toBe(300);
    expect(fuseReads(lines, [read('300', 0.95, 0.14)])).toBe(300);
  });

  it('does not let a big print cut one digit short ("500" read "50") outvote the small print\'s "500"', () => {
    const lines = [line('5', 0, 0.26, 4), line('500', 0.96, 0.07, 5)];
    expect(fuseReads(lines, [read('50', 0.93, 0.26)])).toBe(500);
  });

  it('keeps its whole vote when the ten-fold was tesseract\'s read of the same row ("20RMB" read "2002")', () => {
    // Dev set 2, photo 00057: the big "20RMB" read "2002" by tesseract (200 and a stray digit), "20" by the reader.
    const lines = [line('2002', 0.27, 0.161, 3), line('900729462294583', 0.88, 0.042, 6)];
    expect(fuseReads(lines, [])).toBe(200);
    expect(fuseReads(lines, [read('20', 1, 0.161)])).toBe(20);
  });

  it('leaves out tesseract\'s read of a row it read as another face value', () => {
    // Dev set 3, photo 00270: the big "300元" read "500" by tesseract and "300" by the reader.
    const lines = [line('500', 0.52, 0.228, 4)];
    expect(fuseReads(lines, [])).toBe(500);
    expect(fuseReads(lines, [read('300', 0.75, 0.228)])).toBe(300);
  });

  it('keeps tesseract\'s reads of other rows, and of the same row with a unit after the value', () => {
    expect(fuseReads([line('500', 0.52, 0.228, 4), line('500', 0.95, 0.07, 5)], [read('300', 0.75, 0.228)])).toBe(500);
    expect(fuseReads([line('5007', 0.95, 0.228, 4)], [read('300', 0.3, 0.228)])).toBe(500);
  });

  it('counts no read off the card, nor one that is no face value', () => {
    const lines = [line('50', 0.9, 0.15, 2)];
    expect(fuseReads(lines, [read('300', 0.99, 0.2, false), read('301', 0.99, 0.2)])).toBe(50);
  });
});
