/**
 * One digit's glyph as tesseract boxed it on the stacked line page (line-stack.ts), cut out and
 * scaled to a fixed GLYPH_W × GLYPH_H cell, and its features for the digit classifier
 * (digit-check.ts): HOG on the cell, a coarse copy of its ink, and the box's aspect.
 */
import type { Gray } from './deskew.js';
import type { OcrSymbol } from './ocr-pool.js';
import { hog } from './hog.js';

export const GLYPH_W = 16;
export const GLYPH_H = 24;

/**
 * The glyph in `box`, ink 1 and paper 0, scaled (aspect kept) to fit the cell and centred in it:
 * a narrow 1 stays narrow. Null for boxes too small to hold a digit.
 */
export function glyphCell(page: Gray, box: OcrSymbol['bbox']): Float32Array | null {
  const x0 = Math.max(0, box.x0 - 1); const y0 = Math.max(0, box.y0 - 1);
  const x1 = Math.min(page.width, box.x1 + 1); const y1 = Math.min(page.height, box.y1 + 1);
  const w = x1 - x0; const h = y1 - y0;
  if (w < 3 || h < 6) return null;
  const s = Math.min(GLYPH_W / w, GLYPH_H / h);
  const ox = (GLYPH_W - w * s) / 2; const oy = (GLYPH_H - h * s) / 2;
  const cell = new Float32Array(GLYPH_W * GLYPH_H);
  for (let cy = 0; cy < GLYPH_H; cy++) for (let cx = 0; cx < GLYPH_W; cx++) {
    // Average of the page pixels under this cell pixel (2×2 samples: the page glyph is ~28 px, the cell 24).
    let sum = 0; let n = 0;
    for (const dy of [0.25, 0.75]) for (const dx of [0.25, 0.75]) {
      const px = (cx + dx - ox) / s; const py = (cy + dy - oy) / s;
      if (px < 0 || py < 0 || px >= w || py >= h) { n++; continue; }
      sum += 1 - page.data[(y0 + Math.floor(py)) * page.width + x0 + Math.floor(px)] / 255;
      n++;
    }
    cell[cy * GLYPH_W + cx] = sum / n;
  }
  return cell;
}

/** HOG cell of the glyph: 4 × 6 cells of 4 px. */
const HOG_CELL = 4;

/** HOG on the cell, the ink at half resolution, and the box's aspect (a 1 is narrow whatever its strokes). */
export function glyphFeatures(cell: Float32Array, aspect: number): Float32Array {
  const out = hog(cell, GLYPH_W, GLYPH_H, HOG_CELL);
  for (let y = 0; y < GLYPH_H; y += 2) for (let x = 0; x < GLYPH_W; x += 2) {
    out.push((cell[y * GLYPH_W + x] + cell[y * GLYPH_W + x + 1] + cell[(y + 1) * GLYPH_W + x] + cell[(y + 1) * GLYPH_W + x + 1]) / 4);
  }
  out.push(Math.min(2, aspect));
  return Float32Array.from(out);
}

/** A symbol box's width over its height. */
export const boxAspect = (box: OcrSymbol['bbox']): number => (box.x1 - box.x0 + 1) / (box.y1 - box.y0 + 1);
