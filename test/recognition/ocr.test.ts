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

/** A blank upright card with one 20-px line per glyph count, 50 px apart from y = 10, starting at x0. */
function preparedCard(x0: number, counts: number[]) {
  const gray = { data: new Uint8Array(500 * 200).fill(230), width: 500, height: 200 };
  const lines = counts.map((count, k) => ({ x0, y0: 10 + 50 * k, x1: 400, y1: 30 + 50 * k, glyphHeight: 20, slope: 0, count, fill: 0.4, light: false }));
  return { card: { gray, cardHeight: 400, angle: 0, onCard: () => true, toPhoto: (x: number, y: number): [number, number] => [x, y] }, lines };
}

/** An OCR pool that hands each page it is given to `seen` and reads one PIN on the page's first row. */
function fakePool(seen: (page: { width?: number; height?: number }) => void): OcrPool {
  return {
    async readLines(png: Buffer) {
      seen(await sharp(png).metadata());
      return [{ text: '757417023539383415', confidence: 0.9, bbox: { x0: 30, y0: 30, x1: 300, y1: 60 } }];
    },
  } as unknown as OcrPool;
}

describe('re-reading number lines left unread', () => {
  it('reads again only the long lines no read gave a number length for, and maps them back to their rows', async () => {
    const { rereadNumberLines } = await import('../../src/recognition/ocr-card.js');
    const prepared = preparedCard(10, [17, 18, 3]);
    const seen: number[] = [];
    const fake = fakePool((page) => seen.push(page.height ?? 0));
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
    const prepared = preparedCard(100, [3, 18, 15]);
    const widths: number[] = [];
    const reads = await rereadWide(fakePool((page) => widths.push(page.width ?? 0)), prepared);
    expect(reads.map((l) => l.row)).toEqual([1]);
    // One page; each number line is 1.6 glyph heights wider on either side than at the usual 1.0.
    expect(widths).toHaveLength(1);
    const usual = stackLines(prepared.card.gray, [prepared.lines[1]], { ...REREAD_STYLE, glyph: 28 });
    expect(widths[0] - usual.width).toBeGreaterThanOrEqual(Math.round(2 * 0.6 * 28) - 1);
  });
});
