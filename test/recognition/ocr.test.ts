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
