import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadLineReader, type LineReader } from '../../src/recognition/line-reader.js';
import { readerPatch } from '../../src/recognition/reader-patch.js';
import { defaultModelDir } from '../../src/recognition/model-meta.js';
import { VALUE_READER_FILE } from '../../src/recognition/value-reader.js';
import { isReaderLine, readerItems, readNumberLines } from '../../src/recognition/reader-lines.js';
import type { PreparedCard } from '../../src/recognition/ocr-card.js';
import type { Gray } from '../../src/recognition/deskew.js';

const readers: LineReader[] = [];
afterAll(async () => { await Promise.all(readers.map((r) => r.close())); });

/** A card number (or a face value and its unit, `extra`) printed dark on a light ground, and the text line the line finder would give it. */
async function printed(digits: string, font: string, extra = '') {
  const w = 640; const h = 80;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#eeeeee"/>`
    + `<text x="40" y="52" font-family="${font}" font-size="30" fill="#222222">${digits}${extra}</text></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().blur(1.2).raw().toBuffer({ resolveWithObject: true });
  const g: Gray = { data: new Uint8Array(data), width: info.width, height: info.height };
  // Ink columns and rows give the line's box (digit height ≈ 22 px at 30 px type).
  let x0 = w; let x1 = 0; let y0 = h; let y1 = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (g.data[y * w + x] < 128) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  return { g, line: { x0, y0, x1, y1, glyphHeight: y1 - y0 + 1, slope: 0, count: digits.length, fill: 0.4, light: false } };
}

describe('line reader', () => {
  it('is absent from a model folder without its file', async () => {
    expect(await loadLineReader(mkdtempSync(join(tmpdir(), 'no-reader-')))).toBeNull();
  });

  it('reads a blurred card number in a font of the held-out designs', async () => {
    const reader = await loadLineReader(defaultModelDir());
    expect(reader).not.toBeNull();
    readers.push(reader!);
    const digits = '80046704448369007';
    const { g, line } = await printed(digits, 'Liberation Mono');
    const [read] = await reader!.read([readerPatch(g, line)]);
    expect(read.text).toBe(digits);
    expect(read.confidence).toBeGreaterThan(0.5);
  });
});

describe('the line reader in the pipeline (readNumberLines)', () => {
  it('reads a number line that blur merged into eight glyphs, as the lines it was trained on, or into five groups across its width', async () => {
    const reader = await loadLineReader(defaultModelDir());
    readers.push(reader!);
    const digits = '80046704448369007';
    const { g, line } = await printed(digits, 'Liberation Mono');
    const card = (count: number): PreparedCard => ({
      card: { gray: g, cardHeight: 500, angle: 0, onCard: () => true, toPhoto: (x, y) => [x, y] },
      lines: [{ ...line, count }],
    });
    // Eight glyph components: tesseract's re-reads leave such a line alone, the reader reads it.
    const reads = await readNumberLines(reader!, card(8));
    expect(reads.map((r) => r.text)).toContain(digits);
    // The second view read the same number of digits: it does not vote again.
    expect(reads.filter((r) => r.reader === 'best')).toHaveLength(1);
    // Seven in a line under nine glyph heights wide are print of another kind (labels, a carrier's name): not read.
    expect(isReaderLine({ ...line, count: 7, x1: line.x0 + 8 * line.glyphHeight })).toBe(false);
    // Heavier blur merges the digits into five groups across the whole width: the reader still reads it.
    expect((await readNumberLines(reader!, card(5))).map((r) => r.text)).toContain(digits);
  });

  it('reads a light panel found as one blob from the band its digits fill, not at the height of the panel', async () => {
    const reader = await loadLineReader(defaultModelDir());
    readers.push(reader!);
    const digits = '7392380430210236409';
    const w = 760; const h = 120; const panelW = Math.round(digits.length * 19.2 + 16);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#505a78"/>`
      + `<rect x="30" y="39" width="${panelW}" height="42" fill="#f4f4f4" rx="4"/>`
      + `<text x="38" y="71" font-family="DejaVu Sans Mono" font-size="30" fill="#111111">${digits}</text></svg>`;
    const { data, info } = await sharp(Buffer.from(svg)).greyscale().blur(1.5).raw().toBuffer({ resolveWithObject: true });
    const g: Gray = { data: new Uint8Array(data), width: info.width, height: info.height };
    // The line finder's panel: one light blob, its height taken for the glyphs'.
    const panel = { x0: 30, y0: 39, x1: 30 + panelW - 1, y1: 80, glyphHeight: 42, slope: 0, count: 1, fill: 0.75, light: true };
    const reads = await readNumberLines(reader!, { card: { gray: g, cardHeight: 540, angle: 0, onCard: () => true, toPhoto: (x, y) => [x, y] }, lines: [panel] });
    expect(reads.map((r) => r.text)).toContain(digits);
    expect(reads.every((r) => r.row === 0)).toBe(true);
  });
});

describe('the lines the reader reads (readerItems)', () => {
  const base = { y0: 100, y1: 120, glyphHeight: 20, slope: 0, light: false, fill: 0.4 };
  it('lists a bare panel twice, as found and its digit band, a panel with its chain and a blur-merged chain once each, and no short label', () => {
    const chain = { ...base, x0: 40, x1: 400, count: 17 };
    const panelWithChain = { ...base, x0: 30, x1: 410, y0: 95, y1: 125, count: 1, fill: 0.8, light: true };
    const merged = { ...base, x0: 40, x1: 400, y0: 200, y1: 220, count: 5 };
    const barePanel = { ...base, x0: 30, x1: 410, y0: 300, y1: 340, count: 1, fill: 0.8, light: true };
    const label = { ...base, x0: 40, x1: 120, y0: 400, y1: 420, count: 4 };
    const items = readerItems([chain, panelWithChain, merged, barePanel, label]);
    expect(items.map((x) => x.row)).toEqual([0, 1, 2, 3, 3]);
    const band = items[4].line;
    // The middle half of the panel's height, at its width.
    expect([band.x0, band.x1, band.y0, band.y1]).toEqual([30, 410, 310, 330]);
    expect(items[3].line).toBe(barePanel);
  });
});

describe('value reader', () => {
  it('reads a big print with its unit as the face value alone, in a font of the held-out designs', async () => {
    const reader = await loadLineReader(defaultModelDir(), VALUE_READER_FILE);
    expect(reader).not.toBeNull();
    readers.push(reader!);
    const { g, line } = await printed('300', 'Liberation Serif', '<tspan font-size="12">RMB</tspan>');
    const [read] = await reader!.read([readerPatch(g, { ...line, count: 3 })]);
    expect(read.text).toBe('300');
  });
});
