/**
 * A second way to the big face-value print, for cards where the line finder (text-lines.ts) gave
 * OCR nothing to read it from: bold digits that touch each other or a light card edge merge into
 * one blob that is no glyph chain, and thin light print loses strokes at its threshold. The
 * value-patch finder (value-patch.ts: a coarser picture, its own threshold, the chain with the most
 * ink height) is run on the upright card and its chain handed to OCR as one more text line.
 */
import type { UprightCard } from './ocr-card.js';
import type { TextLine } from './text-lines.js';
import { findValueChain } from './value-patch.js';

/** The card is searched at this many pixels of card height (the value-patch finder's scale). */
const SEARCH_CARD_PX = 100;

export function valueChainLine(card: UprightCard): TextLine | null {
  const { gray } = card;
  const s = SEARCH_CARD_PX / card.cardHeight;
  if (s >= 1) return null; // a card this small has no legible big print to find
  const w = Math.max(1, Math.round(gray.width * s)); const h = Math.max(1, Math.round(gray.height * s));
  // Box-filter down-sampling: each search pixel is the mean of the photo pixels it covers.
  const g = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const ya = Math.floor(y / s); const yb = Math.max(ya + 1, Math.min(gray.height, Math.floor((y + 1) / s)));
    for (let x = 0; x < w; x++) {
      const xa = Math.floor(x / s); const xb = Math.max(xa + 1, Math.min(gray.width, Math.floor((x + 1) / s)));
      let sum = 0;
      for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) sum += gray.data[yy * gray.width + xx];
      g[y * w + x] = sum / ((yb - ya) * (xb - xa) * 255);
    }
  }
  const c = findValueChain(g, w, h, SEARCH_CARD_PX);
  if (!c) return null;
  return {
    x0: c.x0 / s, y0: c.y0 / s, x1: (c.x1 + 1) / s - 1, y1: (c.y1 + 1) / s - 1,
    // Fill is not measured here: any value under the panel bound (isPanel) has the line read as print.
    glyphHeight: c.glyphHeight / s, slope: 0, count: c.count, fill: 0.4, light: c.light,
  };
}
