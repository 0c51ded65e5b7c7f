/**
 * Hand-crafted features for the SVM baseline: HOG (8×8-pixel cells, 9 unsigned orientation bins,
 * L2-Hys normalised over 2×2-cell blocks) on the letterboxed grey image, plus a coarse HSV colour
 * histogram because the carrier is largely a colour cue.
 */
import { INPUT_SIZE } from './preprocess.js';

const CELL = 8;
const BINS = 9;

/**
 * HOG of a width × height grey image: `cell`-pixel cells, 9 unsigned orientation bins, L2-Hys
 * normalised over 2×2-cell blocks (the digit classifier's glyphs use it too, digit-glyph.ts).
 */
export function hog(gray: ArrayLike<number>, width: number, height: number, cell: number): number[] {
  const cw = Math.floor(width / cell); const ch = Math.floor(height / cell);
  const hist = new Float32Array(cw * ch * BINS);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const gx = gray[y * width + x + 1] - gray[y * width + x - 1];
      const gy = gray[(y + 1) * width + x] - gray[(y - 1) * width + x];
      const mag = Math.hypot(gx, gy);
      if (mag === 0) continue;
      let ang = Math.atan2(gy, gx);
      if (ang < 0) ang += Math.PI;
      const pos = (ang / Math.PI) * BINS - 0.5;
      const b0 = Math.floor(pos);
      const f = pos - b0;
      const c = (Math.floor(y / cell) * cw + Math.floor(x / cell)) * BINS;
      hist[c + ((b0 + BINS) % BINS)] += mag * (1 - f);
      hist[c + ((b0 + 1) % BINS)] += mag * f;
    }
  }
  const out: number[] = [];
  for (let by = 0; by < ch - 1; by++) {
    for (let bx = 0; bx < cw - 1; bx++) {
      const v: number[] = [];
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
        const c = ((by + dy) * cw + bx + dx) * BINS;
        for (let k = 0; k < BINS; k++) v.push(hist[c + k]);
      }
      let norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0) + 1e-6);
      const clipped = v.map((a) => Math.min(a / norm, 0.2));
      norm = Math.sqrt(clipped.reduce((a, b) => a + b * b, 0) + 1e-6);
      for (const a of clipped) out.push(a / norm);
    }
  }
  return out;
}

export function hogFeatures(rgb: ArrayLike<number>, size = INPUT_SIZE): Float32Array {
  const gray = new Float32Array(size * size);
  for (let i = 0; i < size * size; i++) gray[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
  const out = hog(gray, size, size, CELL);
  // 12 hue bins × 3 saturation levels, weighted by saturation so grey pixels do not vote.
  const colour = new Float32Array(36);
  for (let i = 0; i < size * size; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const s = max === 0 ? 0 : (max - min) / max;
    if (max - min < 1e-6) continue;
    let h = max === r ? (g - b) / (max - min) : max === g ? 2 + (b - r) / (max - min) : 4 + (r - g) / (max - min);
    h = ((h * 60) + 360) % 360;
    colour[Math.floor(h / 30) * 3 + Math.min(2, Math.floor(s * 3))] += s;
  }
  const total = colour.reduce((a, b) => a + b, 0) || 1;
  for (let i = 0; i < colour.length; i++) out.push(Math.sqrt(colour[i] / total));
  return Float32Array.from(out);
}
