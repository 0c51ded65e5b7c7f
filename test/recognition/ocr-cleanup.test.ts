import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { lightness } from '../../src/recognition/deskew.js';
import { locateNumberLines } from '../../src/recognition/number-locate.js';
import { eraseCounterDots, eraseEdgeBars } from '../../src/recognition/patch-cleanup.js';
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
    const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const found = locateNumberLines(lightness({ data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels }));
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
