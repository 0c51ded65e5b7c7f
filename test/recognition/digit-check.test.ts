import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDigits, DIGIT_NET_FILE, loadDigitNet } from '../../src/recognition/digit-check.js';
import { boxAspect, glyphCell, glyphFeatures, GLYPH_H, GLYPH_W } from '../../src/recognition/digit-glyph.js';
import { checkedDigit, digitProbs, type DigitNet } from '../../src/recognition/digit-net.js';
import { readCounts, trainDigitNet } from '../../training/recognition/train-digit-net.js';
import type { Gray } from '../../src/recognition/deskew.js';
import type { OcrLine } from '../../src/recognition/ocr-pool.js';

const FEATURES = glyphFeatures(new Float32Array(GLYPH_W * GLYPH_H), 0.5).length;

/** A network with no hidden signal whose output biases alone say `logits`. */
function biasNet(logits: number[], confusions: number[][]): DigitNet {
  return {
    featureMean: new Array(FEATURES).fill(0), featureStd: new Array(FEATURES).fill(1),
    w1: [new Array(FEATURES).fill(0)], b1: [0], w2: logits.map(() => [0]), b2: logits,
    readCounts: confusions,
  };
}

/** Tesseract's reads of 1,000 glyphs of each digit: one slip of each kind, except that a true 0 was read as 6 a hundred times. */
const confusions = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, r) => {
  if (t === 0 && r === 6) return 100;
  return r === t ? 1000 - (t === 0 ? 108 : 9) : 1;
}));
const once = { temperature: 1, minSlips: 1 };
const sureOf = (d: number, margin: number) => Array.from({ length: 10 }, (_, k) => (k === d ? margin : 0));

describe('digit check', () => {
  it('overrules a read only where tesseract is known to slip that way and the network is sure', () => {
    const f = new Float32Array(FEATURES);
    const net = biasNet(sureOf(0, 5), confusions);
    // A 6 the network takes for a 0 (e^5 : 1): tesseract reads 0s as 6 often, so the 0 wins.
    expect(checkedDigit(net, f, 6, once)).toBe(0);
    // A 3 the network takes for a 0 just as surely: tesseract almost never reads a 0 as 3, so the 3 stays.
    expect(checkedDigit(net, f, 3, once)).toBe(3);
    // Tempered, the same network is not sure enough to overrule even the 6.
    expect(checkedDigit(net, f, 6, { temperature: 4, minSlips: 1 })).toBe(6);
    // A network sure enough to outweigh a one-off slip may not, when one slip is no pattern.
    const surer = biasNet(sureOf(0, 12), confusions);
    expect(checkedDigit(surer, f, 3, once)).toBe(0);
    expect(checkedDigit(surer, f, 3, { temperature: 1, minSlips: 2 })).toBe(3);
  });

  it('rewrites only the digits of number lines, and nothing without a network', () => {
    const page: Gray = { data: new Uint8Array(200 * 40).fill(255), width: 200, height: 40 };
    for (let y = 5; y < 33; y++) for (let x = 0; x < 200; x++) if (x % 12 < 8) page.data[y * 200 + x] = 0;
    const symbols = (text: string) => [...text].map((c, i) => ({ text: c, bbox: { x0: i * 12, y0: 5, x1: i * 12 + 7, y1: 32 } }));
    const line = (text: string): OcrLine => ({ text, confidence: 0.9, words: [{ text, confidence: 0.9, height: 28, symbols: symbols(text) }] });
    const net = biasNet(sureOf(0, 12), confusions);
    const [pin, value, many] = checkDigits([line('1234567890126'), line('66'), line('1666666666666')], page, net);
    expect(pin.text).toBe('1234507890120');
    expect(pin.words?.[0].symbols?.[5].text).toBe('0');
    // Too short for a number line: a face value.
    expect(value.text).toBe('66');
    // A line whose digits the network would rewrite wholesale is in a font it does not know.
    expect(many.text).toBe('1666666666666');
    expect(checkDigits([line('1234567890126')], page, null)[0].text).toBe('1234567890126');
  });

  it('cuts a glyph into the cell with its aspect kept', () => {
    const page: Gray = { data: new Uint8Array(40 * 40).fill(255), width: 40, height: 40 };
    for (let y = 4; y < 32; y++) for (let x = 10; x < 14; x++) page.data[y * 40 + x] = 0;
    const box = { x0: 10, y0: 4, x1: 13, y1: 31 };
    const cell = glyphCell(page, box)!;
    // A 4×28 stroke (a "1") stays a narrow column in the middle of the 16×24 cell.
    expect(cell[12 * GLYPH_W + GLYPH_W / 2]).toBeGreaterThan(0.9);
    expect(cell[12 * GLYPH_W + 1]).toBe(0);
    expect(boxAspect(box)).toBeCloseTo(4 / 28);
    expect(glyphCell(page, { x0: 10, y0: 4, x1: 11, y1: 6 })).toBeNull();
  });
});

describe('digit network training', () => {
  it('counts tesseract\'s reads of each true digit', () => {
    const c = readCounts([0, 0, 0, 1], [6, 0, 0, 1]);
    expect(c[0]).toEqual([2, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(c[1][1]).toBe(1);
    expect(c[7].every((v) => v === 0)).toBe(true);
  });

  it('learns to tell two glyph shapes apart', () => {
    const bar = (vertical: boolean, shift: number) => {
      const cell = new Float32Array(GLYPH_W * GLYPH_H);
      for (let y = 0; y < GLYPH_H; y++) for (let x = 0; x < GLYPH_W; x++) {
        if (vertical ? Math.abs(x - 8 - shift) < 2 : Math.abs(y - 12 - shift) < 2) cell[y * GLYPH_W + x] = 1;
      }
      return glyphFeatures(cell, vertical ? 0.3 : 1);
    };
    const xs = [-2, -1, 0, 1, 2].flatMap((s) => [bar(true, s), bar(false, s)]);
    const ys = [-2, -1, 0, 1, 2].flatMap(() => [1, 7]);
    const net = trainDigitNet(xs, ys, ys, { hidden: 8, epochs: 30, batch: 4, seed: 3 });
    const top = (f: Float32Array) => { const p = digitProbs(net, f); return p.indexOf(Math.max(...p)); };
    expect(top(bar(true, 0))).toBe(1);
    expect(top(bar(false, 1))).toBe(7);
  });
});

describe('digit network file', () => {
  it('is optional, and an unreadable one is a clear model error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digit-net-'));
    expect(loadDigitNet(dir)).toBeNull();
    writeFileSync(join(dir, DIGIT_NET_FILE), '{"featureMean": [');
    expect(() => loadDigitNet(dir)).toThrow(/unreadable digit network/);
    rmSync(dir, { recursive: true, force: true });
  });
});
