/**
 * Clean-up of a binarized line patch before OCR: marks that are not digits but read as digits.
 *
 * Some card fonts print a dotted zero (a dot inside the 0's counter). Blurred, tesseract reads it
 * as a 6 or an 8 with full confidence; without the dot it is a plain 0. A dot is a single small
 * ink blob alone inside a hole of another glyph; no digit has one, so erasing it is safe.
 */

/** 4-connected labels of the pixels where `on(i)` holds; -1 elsewhere. */
export function label(w: number, h: number, on: (i: number) => boolean): { labels: Int32Array; count: number } {
  const labels = new Int32Array(w * h).fill(-1);
  let count = 0;
  const stack = new Int32Array(w * h);
  for (let s = 0; s < w * h; s++) {
    if (labels[s] >= 0 || !on(s)) continue;
    labels[s] = count;
    let top = 0;
    stack[top++] = s;
    while (top > 0) {
      const p = stack[--top];
      const x = p % w;
      if (x > 0 && labels[p - 1] < 0 && on(p - 1)) { labels[p - 1] = count; stack[top++] = p - 1; }
      if (x < w - 1 && labels[p + 1] < 0 && on(p + 1)) { labels[p + 1] = count; stack[top++] = p + 1; }
      if (p >= w && labels[p - w] < 0 && on(p - w)) { labels[p - w] = count; stack[top++] = p - w; }
      if (p < (h - 1) * w && labels[p + w] < 0 && on(p + w)) { labels[p + w] = count; stack[top++] = p + w; }
    }
    count++;
  }
  return { labels, count };
}

/** Erases, in place, lone small ink blobs inside glyph counters of a binarized patch (0 = ink, 255 = paper). */
export function eraseCounterDots(bin: Uint8Array, w: number, h: number, glyph: number): void {
  const paper = label(w, h, (i) => bin[i] !== 0);
  const ink = label(w, h, (i) => bin[i] === 0);
  // Paper regions that touch the patch border are the outside; the rest are counters (holes).
  const outside = new Uint8Array(paper.count);
  for (let x = 0; x < w; x++) for (const p of [x, (h - 1) * w + x]) if (paper.labels[p] >= 0) outside[paper.labels[p]] = 1;
  for (let y = 0; y < h; y++) for (const p of [y * w, y * w + w - 1]) if (paper.labels[p] >= 0) outside[paper.labels[p]] = 1;
  // For each ink blob: the paper regions around it, and its height.
  const around = Array.from({ length: ink.count }, () => new Set<number>());
  const y0 = new Int32Array(ink.count).fill(h); const y1 = new Int32Array(ink.count).fill(-1);
  for (let p = 0; p < w * h; p++) {
    const k = ink.labels[p];
    if (k < 0) continue;
    const y = (p / w) | 0; const x = p % w;
    if (y < y0[k]) y0[k] = y;
    if (y > y1[k]) y1[k] = y;
    for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p < (h - 1) * w ? p + w : -1]) {
      if (q >= 0 && paper.labels[q] >= 0) around[k].add(paper.labels[q]);
    }
  }
  // A dot: small, and bordered by a single counter that holds nothing else.
  const blobsInHole = new Map<number, number>();
  const hole = (k: number) => (around[k].size === 1 ? [...around[k]][0] : -1);
  for (let k = 0; k < ink.count; k++) {
    const r = hole(k);
    if (r >= 0 && !outside[r]) blobsInHole.set(r, (blobsInHole.get(r) ?? 0) + 1);
  }
  const erase = new Uint8Array(ink.count);
  for (let k = 0; k < ink.count; k++) {
    const r = hole(k);
    if (r >= 0 && !outside[r] && blobsInHole.get(r) === 1 && y1[k] - y0[k] + 1 < 0.4 * glyph) erase[k] = 1;
  }
  for (let p = 0; p < w * h; p++) if (ink.labels[p] >= 0 && erase[ink.labels[p]]) bin[p] = 255;
}

/**
 * Erases, in place, thin ink bars taller than the line's glyphs and thin frames several digits
 * wide: a number panel's edges inside the patch, which tesseract reads as a leading "1" ("1" + the 18-digit PIN looks
 * like a 19-digit card number). A digit is never much taller than the line's glyph height.
 */
export function eraseEdgeBars(bin: Uint8Array, w: number, h: number, glyph: number): void {
  eraseMarks(bin, w, h, glyph, true, false);
}

/**
 * Erases, in place, specks: ink blobs far smaller than a digit in both directions (JPEG noise,
 * foil residue, a panel corner left in the margin). Tesseract reads a speck beside a number as a
 * "1", which makes an 18-digit PIN look like a 19-digit card number.
 */
export function eraseSpecks(bin: Uint8Array, w: number, h: number, glyph: number): void {
  eraseMarks(bin, w, h, glyph, false, true);
}

/** Largest speck, in glyph heights, both ways (a digit is at least ~0.5 tall). */
const SPECK = 0.25;

/** Edge bars and/or specks, from one labelling of the ink. */
export function eraseMarks(bin: Uint8Array, w: number, h: number, glyph: number, bars: boolean, specks: boolean): void {
  const ink = label(w, h, (i) => bin[i] === 0);
  const x0 = new Int32Array(ink.count).fill(w); const x1 = new Int32Array(ink.count).fill(-1);
  const y0 = new Int32Array(ink.count).fill(h); const y1 = new Int32Array(ink.count).fill(-1);
  const area = new Int32Array(ink.count);
  for (let p = 0; p < w * h; p++) {
    const k = ink.labels[p];
    if (k < 0) continue;
    const x = p % w; const y = (p / w) | 0;
    area[k]++;
    if (x < x0[k]) x0[k] = x; if (x > x1[k]) x1[k] = x;
    if (y < y0[k]) y0[k] = y; if (y > y1[k]) y1[k] = y;
  }
  const erase = new Uint8Array(ink.count);
  for (let k = 0; k < ink.count; k++) {
    const bw = x1[k] - x0[k] + 1; const bh = y1[k] - y0[k] + 1;
    // A bare edge, or an edge joined to the panel's top or bottom line (a thin bracket several digits wide).
    if (bars && ((bh > 1.3 * glyph && bw < 0.3 * glyph) || (bw > 4 * glyph && area[k] / (bw * bh) < 0.2))) erase[k] = 1;
    if (specks && bw < SPECK * glyph && bh < SPECK * glyph) erase[k] = 1;
  }
  for (let p = 0; p < w * h; p++) if (ink.labels[p] >= 0 && erase[ink.labels[p]]) bin[p] = 255;
}
