import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { OcrPool } from '../../src/recognition/ocr-pool.js';
import { parseCardText } from '../../src/recognition/card-text.js';

const pool = new OcrPool(1);
afterAll(async () => { await pool.close(); });

async function crop(lines: string[]): Promise<Buffer> {
  const text = lines.map((l, i) => `<text x="30" y="${70 + i * 80}" font-family="DejaVu Sans Mono" font-size="44" fill="#111">${l}</text>`).join('');
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${60 + lines.length * 80}"><rect width="100%" height="100%" fill="#fff"/>${text}</svg>`)).png().toBuffer();
}

describe('OCR (tesseract.js, offline eng traineddata, digit whitelist)', () => {
  it('reads a clean card-number / PIN crop and parses it against the carrier format', async () => {
    const lines = await pool.readLines(await crop(['1683 1119 0999 0415 2', '7574 1702 3539 3834 15']));
    const r = parseCardText(lines, 'cmcc');
    expect(r.serial?.value).toBe('16831119099904152');
    expect(r.pin?.value).toBe('757417023539383415');
    expect(r.pin!.confidence).toBeGreaterThan(0.5);
  }, 60_000);
});

describe('re-reading number lines left unread', () => {
  it('reads again only the long lines no read gave a number length for, and maps them back to their rows', async () => {
    const { rereadNumberLines } = await import('../../src/recognition/ocr-card.js');
    const line = (y0: number, count: number) => ({ x0: 10, y0, x1: 400, y1: y0 + 20, glyphHeight: 20, slope: 0, count, fill: 0.4, light: false });
    const gray = { data: new Uint8Array(500 * 200).fill(230), width: 500, height: 200 };
    const prepared = { card: { gray, cardHeight: 400, angle: 0, onCard: () => true }, lines: [line(10, 17), line(60, 18), line(110, 3)] };
    const seen: number[] = [];
    const fake = {
      async readLines(png: Buffer) {
        const meta = await sharp(png).metadata();
        seen.push(meta.height ?? 0);
        return [{ text: '757417023539383415', confidence: 0.9, bbox: { x0: 30, y0: 30, x1: 300, y1: 60 } }];
      },
    } as unknown as OcrPool;
    const reads = [{ text: '16831119099904152', confidence: 0.9, row: 0, relHeight: 0.05, onCard: true, yc: 0.5, glyphs: 17, aspect: 20 },
      { text: '7574', confidence: 0.9, row: 1, relHeight: 0.05, onCard: true, yc: 0.7, glyphs: 18, aspect: 20 }];
    const again = await rereadNumberLines(fake, prepared, reads);
    expect(seen.length).toBe(1);
    expect(again.map((l) => l.row)).toEqual([1]);
    // Nothing to re-read: no OCR call.
    expect(await rereadNumberLines(fake, prepared, [...reads, { ...reads[1], text: '757417023539383415' }])).toEqual([]);
    expect(seen.length).toBe(1);
  });
});

describe('the wide re-read', () => {
  it('reads every number line, and no other, with wider side margins than the first reads', async () => {
    const { rereadWide, REREAD_STYLE } = await import('../../src/recognition/ocr-card.js');
    const { stackLines } = await import('../../src/recognition/line-stack.js');
    const line = (y0: number, count: number) => ({ x0: 100, y0, x1: 400, y1: y0 + 20, glyphHeight: 20, slope: 0, count, fill: 0.4, light: false });
    const gray = { data: new Uint8Array(500 * 200).fill(230), width: 500, height: 200 };
    const prepared = { card: { gray, cardHeight: 400, angle: 0, onCard: () => true }, lines: [line(10, 3), line(60, 18), line(110, 15)] };
    const widths: number[] = [];
    const fake = {
      async readLines(png: Buffer) {
        widths.push((await sharp(png).metadata()).width ?? 0);
        return [{ text: '757417023539383415', confidence: 0.9, bbox: { x0: 30, y0: 30, x1: 300, y1: 60 } }];
      },
    } as unknown as OcrPool;
    const reads = await rereadWide(fake, prepared);
    expect(reads.map((l) => l.row)).toEqual([1]);
    // One page; each number line is 1.6 glyph heights wider on either side than at the usual 1.0.
    expect(widths).toHaveLength(1);
    const usual = stackLines(gray, [line(60, 18)], { ...REREAD_STYLE, glyph: 28 });
    expect(widths[0] - usual.width).toBeGreaterThanOrEqual(Math.round(2 * 0.6 * 28) - 1);
  });
});
