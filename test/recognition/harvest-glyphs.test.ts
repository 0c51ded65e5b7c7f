import { afterAll, describe, expect, it } from 'vitest';
import { OcrPool } from '../../src/recognition/ocr-pool.js';
import { GLYPH_H, GLYPH_W } from '../../src/recognition/digit-glyph.js';
import { decodeGlyphs, encodeGlyphs, harvestPhoto } from '../../training/recognition/harvest-glyphs.js';
import { renderPhoto } from '../../training/recognition/photo.js';

const pool = new OcrPool(1);
afterAll(async () => { await pool.close(); });

describe('glyph harvest for the digit check', () => {
  it('labels each digit of a card-number line read at the right length with the true digit, in order', async () => {
    const p = await renderPhoto(11, 0, { split: 'train', difficulty: 'standard', longSide: 1200 });
    const row = { file: 'a.jpg', carrier: p.spec.carrier, denomination: p.spec.denomination, serial: p.spec.serial, pin: null, pinOccluded: false };
    // No classifier corners: the card is found from its number lines alone.
    const glyphs = await harvestPhoto(pool, async () => null, p.image, row, ['grey']);
    const serialLines = new Map<number, number[]>();
    for (const g of glyphs) {
      expect(g.field).toBe('serial');
      expect(g.cell.length).toBe(GLYPH_W * GLYPH_H);
      serialLines.set(g.line, [...(serialLines.get(g.line) ?? []), g.truth]);
    }
    expect(serialLines.size).toBeGreaterThan(0);
    for (const truths of serialLines.values()) expect(truths.join('')).toBe(p.spec.serial);
    // The binary round trip keeps labels and (to a 255th) the ink.
    const back = decodeGlyphs(encodeGlyphs(glyphs).cells, encodeGlyphs(glyphs).index);
    expect(back.map((g) => g.truth)).toEqual(glyphs.map((g) => g.truth));
    expect(Math.abs(back[0].cell[100] - glyphs[0].cell[100])).toBeLessThan(1 / 255);
  }, 60_000);
});
