import { describe, expect, it } from 'vitest';
import { svgRaw } from './helpers/images.js';
import { lightness } from '../../src/recognition/deskew.js';
import { locateNumberLines } from '../../src/recognition/number-locate.js';
import { eraseCounterDots, eraseEdgeBars, eraseSpecks } from '../../src/recognition/patch-cleanup.js';
import { bigPrint, completions, lengthFactor } from '../../src/recognition/face-value-length.js';
import { parseCardText } from '../../src/recognition/card-text.js';

/** A binarized patch (0 = ink) drawn from rectangles. */
function patch(w: number, h: number, rects: Array<[number, number, number, number, number]>): Uint8Array {
  const bin = new Uint8Array(w * h).fill(255);
  for (const [x0, y0, x1, y1, v] of rects) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) bin[y * w + x] = v;
  return bin;
}
const inkAt = (bin: Uint8Array, w: number, x: number, y: number) => bin[y * w + x] === 0;

describe('line patch clean-up', () => {
  it('erases the dot inside a zero, not the zero or a lone digit', () => {
    // A 28-px "0" ring with a 4-px dot inside, and a solid bar (a "1") beside it.
    const w = 80; const h = 50;
    const bin = patch(w, h, [[10, 10, 29, 37, 0], [14, 14, 25, 33, 255], [18, 22, 21, 25, 0], [50, 10, 54, 37, 0]]);
    eraseCounterDots(bin, w, h, 28);
    expect(inkAt(bin, w, 19, 23)).toBe(false);
    expect(inkAt(bin, w, 10, 20)).toBe(true);
    expect(inkAt(bin, w, 52, 20)).toBe(true);
  });

  it('erases a speck beside a number (read as a "1"), keeps thin digits and a digit\'s small parts joined to it', () => {
    const w = 120; const h = 56;
    // A 4-px speck at the left, a thin "1" bar, and a "7"-like stroke: a bar with a short foot.
    const bin = patch(w, h, [[3, 30, 6, 33, 0], [20, 14, 23, 41, 0], [40, 14, 55, 17, 0], [52, 14, 55, 41, 0]]);
    eraseSpecks(bin, w, h, 28);
    expect(inkAt(bin, w, 4, 31)).toBe(false);
    expect(inkAt(bin, w, 21, 30)).toBe(true);
    expect(inkAt(bin, w, 45, 15)).toBe(true);
  });

  it('erases a panel edge taller than the digits, keeps the digits', () => {
    const w = 120; const h = 56;
    const bin = patch(w, h, [[2, 2, 4, 53, 0], [20, 14, 24, 41, 0], [40, 14, 55, 41, 0]]);
    eraseEdgeBars(bin, w, h, 28);
    expect(inkAt(bin, w, 3, 30)).toBe(false);
    expect(inkAt(bin, w, 22, 30)).toBe(true);
    expect(inkAt(bin, w, 45, 30)).toBe(true);
  });
});

describe('finding the card from its number lines', () => {
  it('finds two long digit chains on light panels and their digit height', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><rect width="1200" height="900" fill="#567"/>
      <g transform="rotate(-15 700 500)"><rect x="400" y="300" width="600" height="380" fill="#1d3b5a"/>
      <rect x="430" y="380" width="420" height="40" fill="#f6f6f6"/><text x="436" y="410" font-family="DejaVu Sans Mono" font-size="28" fill="#111">16831119099904152</text>
      <rect x="430" y="470" width="440" height="40" fill="#f6f6f6"/><text x="436" y="500" font-family="DejaVu Sans Mono" font-size="28" fill="#111">757417023539383415</text></g></svg>`;
    const found = locateNumberLines(lightness(await svgRaw(svg)));
    expect(found).not.toBeNull();
    expect(found!.chains).toBe(2);
    expect(found!.glyphHeight).toBeGreaterThan(15);
    expect(found!.glyphHeight).toBeLessThan(30);
    expect(found!.box.x0).toBeGreaterThan(380);
    expect(found!.box.x1).toBeLessThan(900);
  });
});

describe('face value from the big print glyph count', () => {
  const big = (text: string, glyphs: number) => ({ text, confidence: 0.5, relHeight: 0.2, onCard: true, glyphs });

  it('completes a part-read big print from its glyph count', () => {
    const p = bigPrint([big('5', 2), { text: '1234', confidence: 0.9, relHeight: 0.04, glyphs: 4 }]);
    expect(p).toEqual({ glyphs: 2, digits: '5' });
    expect(completions(p!)).toEqual([50]);
    expect(completions({ glyphs: 3, digits: '1' })).toEqual([100]);
  });

  it('favours the digit count that matches the glyphs', () => {
    expect(lengthFactor(3, 500)).toBeGreaterThan(lengthFactor(3, 50));
    expect(lengthFactor(2, 50)).toBeGreaterThan(lengthFactor(2, 500));
    expect(lengthFactor(1, 50)).toBe(lengthFactor(1, 500));
  });
});

describe('card number and PIN are different rows', () => {
  it('does not take a PIN with a stray edge digit for a 19-digit card number', () => {
    const pin = '459831726075587571';
    const r = parseCardText([{ text: pin, confidence: 0.9 }, { text: pin, confidence: 0.9 }, { text: `1${pin}`, confidence: 0.6 }], 'ctcc');
    expect(r.pin?.value).toBe(pin);
    expect(r.serial).toBeNull();
  });
});

describe('dotted zeros', () => {
  it('takes a 0 over a 6 when two reads of a number differ only there', () => {
    const r = parseCardText([
      { text: '1683 1119 6999 0415 2', confidence: 0.9 },
      { text: '1683 1119 6999 0415 2', confidence: 0.9 },
      { text: '1683 1119 0999 0415 2', confidence: 0.8 },
    ], 'cmcc');
    expect(r.serial?.value).toBe('16831119099904152');
  });

  it('keeps an 8 that another read has as 0 (the zero check mends 0s read as 8)', () => {
    const r = parseCardText([
      { text: '3028 4827 6854 1280 86', confidence: 0.9 },
      { text: '3028 4827 6854 1200 86', confidence: 0.7 },
    ], 'cmcc');
    expect(r.pin?.value).toBe('302848276854128086');
  });
});

describe('reads cut short or with a stray edge digit', () => {
  it('prefers the PIN over the same digits behind a stray leading 1', () => {
    const pin = '976204246273510121';
    const r = parseCardText([{ text: `1${pin}`, confidence: 0.95 }, { text: pin, confidence: 0.6 }], 'ctcc');
    expect(r.pin?.value).toBe(pin);
    expect(r.serial).toBeNull();
  });

  it('gives little weight to a read with fewer digits than the line has glyphs', () => {
    const r = parseCardText([
      { text: '317160130850316', confidence: 0.9, glyphs: 17 },
      { text: '123456789012345', confidence: 0.5, glyphs: 15 },
    ], 'cucc');
    expect(r.serial?.value).toBe('123456789012345');
  });
});

describe('a stray leading digit', () => {
  it('prefers the run without it when two runs of a line fit the PIN (a lone trailing digit is a last group)', () => {
    const r = parseCardText([{ text: '5 940840 693586 317805 9', confidence: 0.56 }], 'cucc');
    expect(r.pin?.value).toBe('9408406935863178059');
  });
});

describe('a panel edge read as a "1"', () => {
  it('takes the number without the edge "1" when nothing else was read for the field', () => {
    const pin = '402500420459437284';
    expect(parseCardText([{ text: `1${pin}`, confidence: 0.85 }], 'cmcc').pin?.value).toBe(pin);
    expect(parseCardText([{ text: `${pin}1`, confidence: 0.85 }], 'cmcc').pin?.value).toBe(pin);
  });

  it('weighs the number without the edge "1" against a read of the field from out of its place', () => {
    // ctcc: the card number read one digit short (18, a PIN's length, but above the other number
    // line), and the PIN below it behind an edge "1" (19 digits).
    const r = parseCardText([
      { text: '288 6427 4043 3081 202', confidence: 0.8, yc: 0.73 },
      { text: '1229163 090649 998908', confidence: 0.8, yc: 0.92 },
    ], 'ctcc');
    expect(r.pin?.value).toBe('229163090649998908');
  });

  it('reads a 19-digit line below the card number as a ctcc PIN with an edge "1"', () => {
    const serial = '9162768256025879929';
    const pin = '550874457661671632';
    const r = parseCardText([{ text: serial, confidence: 0.87, yc: 0.73 }, { text: `1${pin}`, confidence: 0.76, yc: 0.95 }], 'ctcc');
    expect(r.serial?.value).toBe(serial);
    expect(r.pin?.value).toBe(pin);
  });

  it('keeps a clean read over the trimmed one, and leaves a settled read\'s confidence alone', () => {
    const serial = '15396238608726428';
    const clean = parseCardText([{ text: serial, confidence: 0.9 }], 'cmcc');
    const withEdge = parseCardText([{ text: serial, confidence: 0.9 }, { text: '112345678901234567', confidence: 0.9 }], 'cmcc');
    expect(withEdge.serial).toEqual(clean.serial);
  });
});

describe('a big print with its zeros misread', () => {
  it('reads "36" on a two-glyph big print as 30, and "508" on three glyphs as 500', () => {
    const big = (text: string, glyphs: number) => ({ text, confidence: 0.7, relHeight: 0.2, onCard: true, glyphs });
    const two = bigPrint([big('36', 2)]);
    expect(two).not.toBeNull();
    expect(completions(two!)).toEqual([30]);
    expect(completions(bigPrint([big('508', 3)])!)).toEqual([500]);
  });

  it('does not guess from a read whose length differs from the glyph count, or a leading digit no face value has', () => {
    const big = (text: string, glyphs: number) => ({ text, confidence: 0.7, relHeight: 0.2, onCard: true, glyphs });
    expect(bigPrint([big('36', 3)])).toBeNull();
    expect(bigPrint([big('76', 2)])).toBeNull();
  });
});

describe('finding the number lines among background patterns', () => {
  it('does not take a row of tiles too big for any card in the photo for the card\'s numbers', async () => {
    // Twelve 74-px outlined tiles in a row across a 1600×900 photo: a chain of glyph-like blobs, but
    // even the smallest card printing 74-px digits would be half as wide again as the photo.
    const tiles = Array.from({ length: 12 }, (_, i) => `<rect x="${40 + i * 125}" y="300" width="48" height="64" fill="none" stroke="#222" stroke-width="10"/>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="1600" height="900" fill="#d8b0b8"/>${tiles}</svg>`;
    expect(locateNumberLines(lightness(await svgRaw(svg)))).toBeNull();
  });
});
