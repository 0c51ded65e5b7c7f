import { describe, expect, it } from 'vitest';
import { uprightCard } from '../../src/recognition/ocr-card.js';
import type { Point } from '../../src/recognition/geometry.js';

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
