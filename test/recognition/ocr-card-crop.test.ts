import { describe, expect, it } from 'vitest';
import { uprightCard } from '../../src/recognition/ocr-card.js';
import type { Point } from '../../src/recognition/geometry.js';
import { svgRaw } from './helpers/images.js';

describe('card crop when no number lines check the predicted quad', () => {
  it('looks half a card beyond the quad (it may be well off), not only 30%', () => {
    // A blank photo: no number lines are found, so nothing corroborates the 400 × 252 quad.
    const width = 800; const height = 600;
    const img = { data: new Uint8Array(width * height * 3).fill(128), width, height, channels: 3 as const };
    const quad: Point[] = [[200, 200], [600, 200], [600, 452], [200, 452]];
    const card = uprightCard(img, quad);
    // Resampled at 2× (card width 400 → ~1100 px is capped at 2): 1.5 × 400 × 2 wide, 1.5 × 252 × 2 tall.
    expect(card.gray.width).toBe(1200);
    expect(card.gray.height).toBe(756);
    // The card itself is still only the quad.
    expect(card.onCard(600, 378)).toBe(true);
    expect(card.onCard(100, 378)).toBe(false);
  });
});

describe('card crop when the number lines corroborate the predicted quad', () => {
  /**
   * Two 18-digit number lines (digits ~22 px: a card ~520 px tall) at the bottom of the predicted
   * quad, and a black mark 0.3 card heights below them: on the card, outside the quad grown by 30%.
   */
  async function photo() {
    const row = (y: number) => `<rect x="250" y="${y - 28}" width="420" height="38" fill="#f0f0f0"/><text x="260" y="${y}" font-family="DejaVu Sans Mono" font-size="30" fill="#404040">123456789012345678</text>`;
    return svgRaw(`<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="800"><rect width="1000" height="800" fill="#a0a0a0"/>
      ${row(320)}${row(370)}<rect x="400" y="500" width="60" height="50" fill="#000"/></svg>`);
  }

  it('reaches beyond the numbers far enough to hold the card around them', async () => {
    const quad: Point[] = [[200, 40], [800, 40], [800, 385], [200, 385]];
    const card = uprightCard(await photo(), quad);
    const black = card.gray.data.filter((v) => v < 20).length;
    expect(black).toBeGreaterThan(500);
    // The crop's bottom rows hold the mark, and it counts as on the card.
    let markY = -1;
    for (let y = card.gray.height - 1; y >= 0 && markY < 0; y--) {
      for (let x = 0; x < card.gray.width; x++) if (card.gray.data[y * card.gray.width + x] < 20) { markY = y; break; }
    }
    expect(markY).toBeGreaterThan(0);
    const markX = card.gray.data.subarray(markY * card.gray.width, (markY + 1) * card.gray.width).findIndex((v) => v < 20);
    expect(card.onCard(markX, markY)).toBe(true);
  });
});

describe('card crop cut from the number lines alone', () => {
  it('reaches well over a card width beside them: small digits make the card look smaller than it is', async () => {
    // No quad: the card is estimated from two 18-digit lines (~22 px digits: ~830 px wide); a black
    // mark sits 1.2 estimated card widths left of their right end, as a face value printed beside small digits can.
    const row = (y: number) => `<rect x="1390" y="${y - 28}" width="420" height="38" fill="#f0f0f0"/><text x="1400" y="${y}" font-family="DejaVu Sans Mono" font-size="30" fill="#404040">123456789012345678</text>`;
    const img = await svgRaw(`<svg xmlns="http://www.w3.org/2000/svg" width="2400" height="900"><rect width="2400" height="900" fill="#a0a0a0"/>
      ${row(420)}${row(470)}<rect x="720" y="420" width="60" height="50" fill="#000"/></svg>`);
    const card = uprightCard(img, null);
    expect(card.gray.data.filter((v) => v < 20).length).toBeGreaterThan(200);
  });
});
