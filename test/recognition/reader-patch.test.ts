import { describe, expect, it } from 'vitest';
import { readerPatch, READER_H } from '../../src/recognition/reader-patch.js';
import type { TextLine } from '../../src/recognition/text-lines.js';
import type { Gray } from '../../src/recognition/deskew.js';

/** A 400×100 ground of `ground` with five 12×20 blocks of `ink` from x = 100, 24 px apart, rows 40–59. */
function card(ground: number, ink: number): { g: Gray; line: TextLine } {
  const w = 400; const h = 100;
  const data = new Uint8Array(w * h).fill(ground);
  for (let k = 0; k < 5; k++) for (let y = 40; y < 60; y++) for (let x = 100 + 24 * k; x < 112 + 24 * k; x++) data[y * w + x] = ink;
  return { g: { data, width: w, height: h }, line: { x0: 100, y0: 40, x1: 207, y1: 59, glyphHeight: 20, slope: 0, count: 5, fill: 1, light: ink > ground } };
}

describe('reader patch', () => {
  it('cuts the line at the reader height with its print dark on paper as 1, the ground as 0', () => {
    const { g, line } = card(200, 60);
    const p = readerPatch(g, line);
    expect(p.height).toBe(READER_H);
    // 108 px of line plus a glyph height each side, scaled by 32 / (2 × 20).
    expect(p.width).toBe(Math.round((108 + 40) * 0.8));
    // The patch starts a glyph height left of the line and half a source height (20 px) above its centre, 49.5.
    const at = (x: number, y: number) => p.data[Math.floor((y - 29.5) * 0.8) * p.width + Math.floor((x - 80) * 0.8)];
    expect(at(105, 50)).toBeGreaterThan(0.9);
    expect(at(118, 50)).toBeLessThan(0.1);
    expect(at(105, 33)).toBeLessThan(0.1);
  });

  it('reads light print on a dark ground the same way, and stretches faint print to full ink', () => {
    const dark = readerPatch(card(200, 60).g, card(200, 60).line);
    const light = readerPatch(card(50, 200).g, card(50, 200).line);
    const faint = readerPatch(card(200, 170).g, card(200, 170).line);
    for (const p of [light, faint]) {
      let diff = 0;
      for (let i = 0; i < p.data.length; i++) diff = Math.max(diff, Math.abs(p.data[i] - dark.data[i]));
      expect(diff).toBeLessThan(0.25);
    }
  });

  it('cuts a second view at the same width with its glyphs a tenth smaller', () => {
    const { g, line } = card(200, 60);
    const first = readerPatch(g, line);
    const second = readerPatch(g, line, 1.1);
    expect(second.width).toBe(first.width);
    // Rows of the first block's column holding ink: 20 source rows at 0.8 and at 0.8 / 1.1.
    const inkRows = (p: typeof first) => { let n = 0; for (let v = 0; v < p.height; v++) if (p.data[v * p.width + Math.floor(25 * 0.8)] > 0.5) n++; return n; };
    expect(inkRows(first)).toBe(16);
    expect(Math.abs(inkRows(second) - 16 / 1.1)).toBeLessThanOrEqual(1);
  });
});
