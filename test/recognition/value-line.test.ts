import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { svgRaw } from './helpers/images.js';
import { lightness } from '../../src/recognition/deskew.js';
import { valueChainLine } from '../../src/recognition/value-line.js';
import { readValueChain } from '../../src/recognition/ocr-card.js';
import type { OcrPool } from '../../src/recognition/ocr-pool.js';

/** An upright card, 640 px tall: a big light "500" and a small card number. */
async function card(value: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="640"><rect width="1000" height="640" fill="#2c5d8a"/>
    <text x="120" y="400" font-family="DejaVu Sans" font-weight="bold" font-size="230" fill="#f4f4f4">${value}</text>
    <text x="60" y="560" font-family="DejaVu Sans Mono" font-size="30" fill="#f4f4f4">1683 1119 0999 0415 2</text></svg>`;
  const gray = lightness(await svgRaw(svg));
  return { gray, cardHeight: 640, angle: 0, onCard: () => true, toPhoto: (x: number, y: number): [number, number] => [x, y] };
}

describe('the value-patch finder as a second way to the big print', () => {
  it('gives the big print as one light text line of three glyphs, not the card number', async () => {
    const line = valueChainLine(await card('500'))!;
    expect(line).not.toBeNull();
    expect(line.light).toBe(true);
    expect(line.count).toBe(3);
    // The digits' cap height is ~0.73 em of 230 px; the box spans them, not the number below.
    expect(line.glyphHeight).toBeGreaterThan(140);
    expect(line.glyphHeight).toBeLessThan(200);
    expect(line.y1).toBeLessThan(420);
    expect(line.x0).toBeGreaterThan(100);
  });

  it('reads that line alone, as a row after the card\'s own lines, and calls OCR only when there is one', async () => {
    const pages: number[] = [];
    const pool = {
      async readLines(png: Buffer) {
        pages.push((await sharp(png).metadata()).height ?? 0);
        return [{ text: '500', confidence: 0.9, words: [{ text: '500', confidence: 0.9, height: 40, symbols: [] }], bbox: { x0: 24, y0: 24, x1: 120, y1: 60 } }];
      },
    } as unknown as OcrPool;
    const withValue = { card: await card('500'), lines: [] };
    const reads = await readValueChain(pool, withValue);
    expect(reads.map((l) => [l.text, l.row, l.glyphs])).toEqual([['500', 0, 3]]);
    expect(reads[0].relHeight).toBeGreaterThan(0.2);
    expect(pages).toHaveLength(1);
    expect(await readValueChain(pool, { card: await card(''), lines: [] })).toEqual([]);
    expect(pages).toHaveLength(1);
  });
});
