/**
 * Hand-crafted features for the SVM baseline: HOG (8×8-pixel cells, 9 unsigned orientation bins,
 * L2-Hys normalised over 2×2-cell blocks) on the letterboxed grey image, plus a coarse HSV colour
 * histogram because the carrier is largely a colour cue.
 */
import { INPUT_SIZE } from './preprocess.js';

const CELL = 8;
const BINS = 9;

export function hogFeatures(rgb: ArrayLike<number>, size = INPUT_SIZE): Float32Array {
  const gray = new Float32Array(size * size);
  for (let i = 0; i < size * size; i++) gray[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
  const cells = size / CELL;
  const hist = new Float32Array(cells * cells * BINS);
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const gx = gray[y * size + x + 1] - gray[y * size + x - 1];
      const gy = gray[(y + 1) * size + x] - gray[(y - 1) * size + x];
      const mag = Math.hypot(gx, gy);
      if (mag === 0) continue;
      let ang = Math.atan2(gy, gx);
      if (ang < 0) ang += Math.PI;
      const pos = (ang / Math.PI) * BINS - 0.5;
      const b0 = Math.floor(pos);
      const f = pos - b0;
      const cell = (Math.floor(y / CELL) * cells + Math.floor(x / CELL)) * BINS;
      hist[cell + ((b0 + BINS) % BINS)] += mag * (1 - f);
      hist[cell + ((b0 + 1) % BINS)] += mag * f;
    }
  }
  const blocks = cells - 1;
  const out: number[] = [];
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      const v: number[] = [];
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
        const c = ((by + dy) * cells + bx + dx) * BINS;
        for (let k = 0; k < BINS; k++) v.push(hist[c + k]);
      }
      let norm = Math.sqrt(v.reduce((s, a) => s + a * a, 0) + 1e-6);
      const clipped = v.map((a) => Math.min(a / norm, 0.2));
      norm = Math.sqrt(clipped.reduce((s, a) => s + a * a, 0) + 1e-6);
      for (const a of clipped) out.push(a / norm);
    }
  }
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
