import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { renderPhoto } from '../../training/recognition/photo.js';
import { FONTS, LAYOUTS, BACKGROUNDS, PALETTE_STYLES } from '../../training/recognition/splits.js';
import { CARD_FORMATS } from '../../src/recognition/classes.js';

describe('card photo generator', () => {
  it('is deterministic for a seed and index', async () => {
    const a = await renderPhoto(42, 3, { split: 'train', difficulty: 'train', longSide: 240 });
    const b = await renderPhoto(42, 3, { split: 'train', difficulty: 'train', longSide: 240 });
    expect(a.image.equals(b.image)).toBe(true);
    expect(a.spec).toEqual(b.spec);
  });

  it('renders a JPEG with the card inside the frame and a well-formed label', async () => {
    for (let i = 0; i < 3; i++) {
      const p = await renderPhoto(7, i, { split: 'holdout', difficulty: 'hard', longSide: 320, balanced: true });
      const meta = await sharp(p.image).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width!, meta.height!)).toBe(320);
      for (const [x, y] of p.corners) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(p.width);
        expect(y).toBeLessThanOrEqual(p.height);
      }
      expect(p.spec.serial).toHaveLength(CARD_FORMATS[p.spec.carrier].serialLength);
      expect(p.spec.pin).toHaveLength(CARD_FORMATS[p.spec.carrier].pinLength);
      expect(FONTS.holdout).toContain(p.spec.font);
      expect(LAYOUTS.holdout).toContain(p.spec.layout);
    }
  });

  it('keeps held-out fonts, layouts, backgrounds and palettes disjoint from training', () => {
    for (const [train, hold] of [[FONTS.train, FONTS.holdout], [LAYOUTS.train, LAYOUTS.holdout], [BACKGROUNDS.train, BACKGROUNDS.holdout], [PALETTE_STYLES.train, PALETTE_STYLES.holdout]]) {
      expect(train.filter((x) => hold.includes(x))).toEqual([]);
    }
  });
});
