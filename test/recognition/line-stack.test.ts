import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_STYLE, linePatch, stretchLocally } from '../../src/recognition/line-stack.js';
import { otsu } from '../../src/recognition/otsu.js';
import { components, isPanel, type TextLine } from '../../src/recognition/text-lines.js';
import type { Gray } from '../../src/recognition/deskew.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

const histogram = (img: Uint8Array) => {
  const h = new Float64Array(256);
  for (const v of img) h[v]++;
  return h;
};

describe('local contrast of a line patch', () => {
  it('makes digits washed out by glare ink for one threshold, and leaves paper noise paper', () => {
    const w = 200; const h = 30;
    // Flattened patch: paper 255 with ±6 noise, a dark stroke on the left, a glare-faded one (darkness 70) on the right.
    const flat = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) flat[i] = 255 - ((i * 7919) % 13);
    const stroke = (x0: number, v: number) => { for (let y = 8; y < 22; y++) for (let x = x0; x < x0 + 4; x++) flat[y * w + x] = v; };
    stroke(20, 40);
    stroke(160, 185);
    const at = (img: Uint8Array, x: number) => img[15 * w + x];
    // One threshold over the plain patch keeps the dark stroke and loses the faint one.
    const t0 = otsu(histogram(flat));
    expect(at(flat, 21)).toBeLessThanOrEqual(t0);
    expect(at(flat, 161)).toBeGreaterThan(t0);
    const out = stretchLocally(flat, w, h, 20);
    const t = otsu(histogram(out));
    expect(at(out, 21)).toBeLessThanOrEqual(t);
    expect(at(out, 161)).toBeLessThanOrEqual(t);
    // Paper far from any stroke stays above the threshold.
    let paperInk = 0;
    for (let y = 0; y < h; y++) for (let x = 80; x < 120; x++) if (out[y * w + x] <= t) paperInk++;
    expect(paperInk).toBe(0);
  });
});

/** A grey crop of an upright card (a development photo's) and the found line in it. */
async function cropWithLine(file: string, line: Omit<TextLine, 'slope'>): Promise<{ g: Gray; line: TextLine }> {
  const { data, info } = await sharp(join(FIXTURES, file)).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { g: { data: new Uint8Array(data), width: info.width, height: info.height }, line: { ...line, slope: 0 } };
}

/** The tallest ink component of a patch (0 = ink), and how much of its width ink a quarter of the patch tall covers. */
function inkShape(p: { data: Uint8Array; width: number; height: number }): { tallest: number; span: number } {
  const mask = Uint8Array.from(p.data, (v) => (v < 128 ? 1 : 0));
  const cs = components(mask, p.width, p.height);
  const covered = new Uint8Array(p.width);
  for (const c of cs) if (c.y1 - c.y0 + 1 >= p.height / 4) covered.fill(1, c.x0, c.x1 + 1);
  return { tallest: Math.max(0, ...cs.map((c) => c.y1 - c.y0 + 1)), span: covered.reduce((n, v) => n + v, 0) / p.width };
}

describe('the polarity of a number panel', () => {
  it('cuts a blurred panel whose ground splits under one threshold with its digits as ink, not as holes in a bar', async () => {
    // Development photo hard-00038 (seed 700010): a light panel on a dark card, its PIN blurred.
    const { g, line } = await cropWithLine('blurred-panel.png', { x0: 40, y0: 40, x1: 469, y1: 97, glyphHeight: 32, count: 1, light: true, fill: 0.63 });
    expect(isPanel(line.count, line.fill)).toBe(true);
    for (const style of [DEFAULT_STYLE, { glyph: 40, grey: true, localContrast: true }]) {
      const p = linePatch(g, line, style);
      const { tallest, span } = inkShape(p);
      // The digits (about a third of the patch tall), not the panel (over half of it), across most of the line.
      expect(tallest).toBeLessThan(0.5 * p.height);
      expect(span).toBeGreaterThan(0.5);
    }
  });

  it('keeps bold digits blur merged into one dark blob as ink', async () => {
    // Development photo hard-00084: the card number's digits found as one solid blob, as tall as the line;
    // cut the other way they would be specks.
    const { g, line } = await cropWithLine('bold-panel.png', { x0: 40, y0: 40, x1: 305, y1: 64, glyphHeight: 14, count: 1, light: false, fill: 0.7 });
    expect(isPanel(line.count, line.fill)).toBe(true);
    expect(inkShape(linePatch(g, line)).span).toBeGreaterThan(0.5);
  });
});

describe('the cuts a grey and a black-and-white page share', () => {
  it('draws a line the same whether or not the other page was drawn first', async () => {
    const fresh = () => cropWithLine('blurred-panel.png', { x0: 40, y0: 40, x1: 469, y1: 97, glyphHeight: 32, count: 1, light: true, fill: 0.63 });
    const bw = { ...DEFAULT_STYLE, grey: false };
    // Alone: each page from a crop of its own, so nothing is shared.
    const a = await fresh(); const greyAlone = linePatch(a.g, a.line, DEFAULT_STYLE);
    const b = await fresh(); const bwAlone = linePatch(b.g, b.line, bw);
    // Together, in the served order (grey first), then grey again.
    const c = await fresh();
    const grey = linePatch(c.g, c.line, DEFAULT_STYLE);
    const bwAfter = linePatch(c.g, c.line, bw);
    const greyAgain = linePatch(c.g, c.line, DEFAULT_STYLE);
    expect(Buffer.from(grey.data).equals(Buffer.from(greyAlone.data))).toBe(true);
    expect(Buffer.from(bwAfter.data).equals(Buffer.from(bwAlone.data))).toBe(true);
    expect(Buffer.from(greyAgain.data).equals(Buffer.from(greyAlone.data))).toBe(true);
    // The black-and-white page is ink or paper, and has ink.
    expect(bwAfter.data.some((v) => v === 0)).toBe(true);
    expect(bwAfter.data.every((v) => v === 0 || v === 255)).toBe(true);
    // Another glyph size is another cut, not the cached one.
    expect(linePatch(c.g, c.line, { glyph: 40, grey: false }).height).toBeGreaterThan(bwAfter.height);
  });
});
