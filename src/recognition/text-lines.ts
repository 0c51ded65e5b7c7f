/**
 * Finds horizontal text lines in an upright grey card image without a model: local-mean
 * thresholding for one ink polarity, connected components of glyph size, and chains of components
 * of similar height that overlap vertically and sit close together. Digits are one component each,
 * so a card number is a long chain; the face value is a short chain of tall components.
 */
import type { Gray } from './deskew.js';
import { otsu } from './otsu.js';

export interface Box { x0: number; y0: number; x1: number; y1: number }
export interface Component extends Box { area: number }
export interface TextLine extends Box {
  /** Median glyph height in pixels of the image the line was found in. */
  glyphHeight: number;
  /** Baseline slope (dy/dx) fitted through the glyph bottoms. */
  slope: number;
  count: number;
  /** Mean ink fill of the components' boxes (a light panel found as one blob is mostly solid). */
  fill: number;
  /** true: light print on a darker background. */
  light: boolean;
}

/** Summed-area table, (w + 1) × (h + 1), for O(1) box means: grey bytes or [0, 1] floats. */
export function integralImage(g: { data: ArrayLike<number>; width: number; height: number }): Float64Array {
  const { width: w, height: h, data } = g;
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x];
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
    }
  }
  return integral;
}

/**
 * Ink masks (1 = ink) of both polarities from one local-mean threshold: a 3×3-smoothed pixel is
 * dark ink below mean − offset and light ink above mean + offset. `integral` may be shared.
 */
export function inkMasks(g: Gray, window: number, offset: number, integral = integralImage(g)): { dark: Uint8Array; light: Uint8Array } {
  const { width: w, height: h } = g;
  const W = w + 1;
  const I = integral;
  const r = Math.floor(window / 2);
  const dark = new Uint8Array(w * h);
  const light = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - r); const yb = Math.min(h, y + r + 1);
    const sa = Math.max(0, y - 1); const sb = Math.min(h, y + 2);
    const rowA = ya * W; const rowB = yb * W; const rowSa = sa * W; const rowSb = sb * W;
    const wh = yb - ya; const sh = sb - sa;
    for (let x = 0; x < w; x++) {
      const xa = x - r > 0 ? x - r : 0; const xb = x + r + 1 < w ? x + r + 1 : w;
      const mean = (I[rowB + xb] - I[rowA + xb] - I[rowB + xa] + I[rowA + xa]) / ((xb - xa) * wh);
      const ta = x > 0 ? x - 1 : 0; const tb = x + 2 < w ? x + 2 : w;
      const v = (I[rowSb + tb] - I[rowSa + tb] - I[rowSb + ta] + I[rowSa + ta]) / ((tb - ta) * sh); // denoised pixel
      if (v < mean - offset) dark[y * w + x] = 1;
      else if (v > mean + offset) light[y * w + x] = 1;
    }
  }
  return { dark, light };
}

/** 4-connected components of the mask, as bounding boxes with pixel counts. */
export function components(mask: Uint8Array, w: number, h: number): Component[] {
  // Visited marks live in a copy of the mask (0 = not ink or seen); a typed stack, no per-pixel arrays.
  const todo = Uint8Array.from(mask);
  const out: Component[] = [];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < w * h; start++) {
    if (!todo[start]) continue;
    let x0 = w; let y0 = h; let x1 = 0; let y1 = 0; let area = 0;
    todo[start] = 0;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top];
      const x = p % w; const y = (p - x) / w;
      area++;
      if (x < x0) x0 = x; if (x > x1) x1 = x;
      if (y < y0) y0 = y; if (y > y1) y1 = y;
      if (x > 0 && todo[p - 1]) { todo[p - 1] = 0; stack[top++] = p - 1; }
      if (x < w - 1 && todo[p + 1]) { todo[p + 1] = 0; stack[top++] = p + 1; }
      if (y > 0 && todo[p - w]) { todo[p - w] = 0; stack[top++] = p - w; }
      if (y < h - 1 && todo[p + w]) { todo[p + w] = 0; stack[top++] = p + w; }
    }
    out.push({ x0, y0, x1, y1, area });
  }
  return out;
}

const height = (b: Box) => b.y1 - b.y0 + 1;
const width = (b: Box) => b.x1 - b.x0 + 1;

/**
 * A panel with thin, blurred digits is up to ~0.8 solid; at 0.75 such panels were missed and with
 * them both numbers (development sets: card number right on 520 → 536 of 600 photos at 0.85).
 */
const WIDE_FILL = 0.85;

/**
 * Glyph-like: not a speck, not a frame or a stripe, not a solid block. Blur merges neighbouring
 * digits into one wide blob, so a wide component is kept when its fill looks like merged strokes,
 * or like a light number panel whose faint digits leave only small holes in it (up to WIDE_FILL).
 */
function glyphLike(c: Component, minH: number, maxH: number): boolean {
  const hh = height(c); const ww = width(c);
  if (hh < minH || hh > maxH || ww < 2) return false;
  const fill = c.area / (hh * ww);
  if (ww > 3 * hh) return ww <= 15 * hh && fill > 0.25 && fill < WIDE_FILL;
  // A sans-serif 1 is a solid bar: narrow components may be full.
  return fill > 0.1 && (fill < 0.9 || ww <= 0.4 * hh);
}

/** A light number panel found as one mostly solid blob (its digits are holes in it). */
export const isPanel = (count: number, fill: number) => count === 1 && fill > 0.6;

/** Chains glyph components into lines (union-find over neighbour links); `minOverlap`: vertical overlap of neighbours, lower for tilted text. */
export function linkLines(comps: Component[], light: boolean, minH: number, maxH: number, minOverlap = 0.6): TextLine[] {
  const gl = comps.filter((c) => glyphLike(c, minH, maxH)).sort((a, b) => a.x0 - b.x0);
  const parent = gl.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < gl.length; i++) {
    const a = gl[i]; const ha = height(a);
    let best = -1; let bestGap = Infinity;
    for (let j = i + 1; j < gl.length; j++) {
      const b = gl[j]; const hb = height(b);
      const gap = b.x0 - a.x1;
      if (gap > 1.6 * ha) break; // sorted by x0: nothing further can be closer
      if (gap < -0.3 * Math.min(ha, hb)) continue;
      if (Math.min(ha, hb) / Math.max(ha, hb) < 0.6 || gap > 1.6 * Math.min(ha, hb)) continue;
      const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
      if (overlap < minOverlap * Math.min(ha, hb)) continue;
      if (gap < bestGap) { bestGap = gap; best = j; }
    }
    if (best >= 0) parent[find(best)] = find(i);
  }
  const groups = new Map<number, Component[]>();
  gl.forEach((c, i) => { const r = find(i); groups.set(r, [...(groups.get(r) ?? []), c]); });
  const lines: TextLine[] = [];
  for (const g of groups.values()) {
    // One component is a line only when it is a blob of merged glyphs.
    if (g.length < 2 && width(g[0]) < 2.5 * height(g[0])) continue;
    const hs = g.map(height).sort((a, b) => a - b);
    // Least-squares baseline through glyph bottoms (robust enough: digits share a baseline).
    const n = g.length;
    const mx = g.reduce((s, c) => s + (c.x0 + c.x1) / 2, 0) / n;
    const my = g.reduce((s, c) => s + c.y1, 0) / n;
    let sxy = 0; let sxx = 0;
    for (const c of g) { const dx = (c.x0 + c.x1) / 2 - mx; sxy += dx * (c.y1 - my); sxx += dx * dx; }
    const slope = sxx > 0 ? Math.max(-0.1, Math.min(0.1, sxy / sxx)) : 0;
    const fill = g.reduce((a, c) => a + c.area / (width(c) * height(c)), 0) / n;
    lines.push({
      x0: Math.min(...g.map((c) => c.x0)), y0: Math.min(...g.map((c) => c.y0)),
      x1: Math.max(...g.map((c) => c.x1)), y1: Math.max(...g.map((c) => c.y1)),
      // A light panel's digits are about half its height.
      glyphHeight: isPanel(n, fill) ? Math.round(0.55 * hs[0]) : hs[Math.floor(n / 2)], slope, count: n, light, fill,
    });
  }
  return lines;
}

/** The image at half size (2×2 means). */
function halve(g: Gray): Gray {
  const w = g.width >> 1; const h = g.height >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = 2 * y * g.width + 2 * x;
    out[y * w + x] = (g.data[i] + g.data[i + 1] + g.data[i + g.width] + g.data[i + g.width + 1] + 2) >> 2;
  }
  return { data: out, width: w, height: h };
}

/**
 * A glyph's counters (the holes of a "0", either loop of an "8") are at least this share of its
 * height: smaller print inside a tall light blob (a lit patch of the card beside a shadow) is text.
 */
const COUNTER_MIN = 0.3;

/** Whether `l` lies inside `o`, give or take `slack` of o's glyph height. */
const within = (l: Box, o: TextLine, slack: number) => {
  const m = slack * o.glyphHeight;
  return l.x0 >= o.x0 - m && l.x1 <= o.x1 + m && l.y0 >= o.y0 - m && l.y1 <= o.y1 + m;
};

/**
 * The counters of a line of four or more glyphs: at most two per glyph, spread along most
 * of the line, and reaching a little past its box where blur joins a counter to the paper beside
 * it. (Dev sets: one face value gained, from its small print; nothing else changed. Without the
 * spread, big light digits inside a dark background blob were lost.)
 */
function manyHoles(l: TextLine, o: TextLine): boolean {
  return o.count >= 4 && l.count <= 2 * o.count && l.x1 - l.x0 >= 0.7 * (o.x1 - o.x0) && within(l, o, 0.2);
}

/**
 * The lines without those that are the counters of another line's glyphs. The counters of big
 * light glyphs (the holes of "100") form a dark chain inside the glyphs' line; on a tie in count
 * it could win the de-duplication in findTextLines and crop the "1" away. Dark print with many
 * counters ("面值:500元") makes a light chain of up to two holes a glyph, which outnumbers the
 * glyphs and would be read in the wrong polarity. A panel is never counters.
 */
export function withoutCounterChains(found: TextLine[]): TextLine[] {
  const holesOf = (l: TextLine, o: TextLine) => (l.count <= o.count + 1 && within(l, o, 0)) || manyHoles(l, o);
  const counters = (l: TextLine) => found.some((o) => o.light !== l.light && o.count >= 2 && l.glyphHeight < 0.85 * o.glyphHeight
    && l.glyphHeight >= COUNTER_MIN * o.glyphHeight && holesOf(l, o));
  return found.filter((l) => isPanel(l.count, l.fill) || !counters(l));
}

/** Two overlapping lines whose glyph heights differ by more than this factor are two lines. */
const SAME_SIZE = 2;

/** Intersection over the smaller box. */
export const overlap = (a: Box, b: Box) => {
  const iw = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1;
  const ih = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
  if (iw <= 0 || ih <= 0) return 0;
  return (iw * ih) / Math.min(width(a) * height(a), width(b) * height(b));
};

/**
 * Threshold offset of a second look at the big print: white digits on a light band (a wave, a
 * lit patch) are both "light" at the usual offset and merge into one blob too big for a glyph;
 * only the digits are this much lighter than their surroundings. (Dev sets: 30 and 45 found
 * as many values but misread more.)
 */
const STRICT_OFFSET = 60;

/**
 * Dark glyphs on a light blob: the digits of a light number panel that a threshold window
 * reaching past the panel (onto a darker card) does not see as dark. Bold blurred digits are the
 * blob's holes (and fill too much of it for it to pass as a panel). Thin faint digits leave only
 * slivers in a blob too solid to pass as glyphs: there the panel (the blob and what it encloses)
 * is thresholded by itself (Otsu), and its dark parts away from its border are the glyphs.
 */
function panelGlyphs(g: Gray, light: Uint8Array, blob: Component): Component[] {
  const bw = width(blob); const bh = height(blob);
  const at = (x: number, y: number) => (blob.y0 + y) * g.width + blob.x0 + x;
  const holes = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) holes[y * bw + x] = light[at(x, y)] ? 0 : 1;
  const inner = (c: Box) => c.x0 > 0 && c.y0 > 0 && c.x1 < bw - 1 && c.y1 < bh - 1;
  const toImage = (cs: Component[]) => cs.map((c) => ({ ...c, x0: c.x0 + blob.x0, y0: c.y0 + blob.y0, x1: c.x1 + blob.x0, y1: c.y1 + blob.y0 }));
  const enclosed = components(holes, bw, bh).filter(inner);
  if (blob.area < WIDE_FILL * bw * bh) return toImage(enclosed);
  // The panel: the blob's own pixels and its holes, not the card showing at the box's corners.
  const panel = Uint8Array.from(holes, (v) => 1 - v);
  for (const c of enclosed) for (let y = c.y0; y <= c.y1; y++) for (let x = c.x0; x <= c.x1; x++) if (holes[y * bw + x]) panel[y * bw + x] = 1;
  const hist = new Float64Array(256);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) if (panel[y * bw + x]) hist[g.data[at(x, y)]]++;
  const t = otsu(hist);
  const ink = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) ink[y * bw + x] = panel[y * bw + x] && g.data[at(x, y)] <= t ? 1 : 0;
  return toImage(components(ink, bw, bh).filter(inner));
}

/** A light blob this many times wider than tall may be a number panel. */
const PANEL_ASPECT = 4;

/**
 * Lines of both polarities in an upright grey card image whose card is `cardHeight` pixels tall.
 * Two threshold windows: a small one so digits on a light panel are compared with the panel, not
 * with the dark card around it, and a large one so the thick strokes of the big face value are
 * filled rather than outlined; the large one twice, the second time at STRICT_OFFSET. A light
 * blob shaped like a number panel is also searched for the digits on it (panelGlyphs): a thin
 * panel is narrower than the small window.
 */
export function findTextLines(g: Gray, cardHeight: number, minH: number): TextLine[] {
  const odd = (v: number) => Math.max(15, Math.round(v) | 1);
  // The big print is searched at half size: its glyphs are ten times the minimum height, and the
  // connected components of its large blobs are the most expensive part at full size.
  const half = halve(g);
  const scales = [
    { img: g, f: 1, window: odd(0.09 * cardHeight), minH, maxH: 0.13 * cardHeight, offset: 10 },
    { img: half, f: 2, window: odd(0.225 * cardHeight), minH: 0.045 * cardHeight, maxH: 0.2 * cardHeight, offset: 10 },
    { img: half, f: 2, window: odd(0.225 * cardHeight), minH: 0.045 * cardHeight, maxH: 0.2 * cardHeight, offset: STRICT_OFFSET },
  ];
  const found: TextLine[] = [];
  const integrals = new Map<Gray, Float64Array>();
  for (const sc of scales) {
    if (!integrals.has(sc.img)) integrals.set(sc.img, integralImage(sc.img));
    const masks = inkMasks(sc.img, sc.window, sc.offset, integrals.get(sc.img));
    for (const light of [false, true]) {
      const comps = components(light ? masks.light : masks.dark, sc.img.width, sc.img.height);
      const lines = linkLines(comps, light, sc.minH, sc.maxH);
      if (light && sc.f === 1) {
        for (const blob of comps.filter((c) => width(c) >= PANEL_ASPECT * height(c) && height(c) >= sc.minH && height(c) <= sc.maxH)) {
          // The whole panel is read: a first or last digit blur joined to its edge is not a hole.
          const inside = linkLines(panelGlyphs(sc.img, masks.light, blob), false, sc.minH, sc.maxH);
          lines.push(...inside.map((l) => ({ ...l, x0: blob.x0, x1: blob.x1 })));
        }
      }
      found.push(...lines.map((l) => (sc.f === 1 ? l : { ...l, x0: l.x0 * 2, y0: l.y0 * 2, x1: l.x1 * 2 + 1, y1: l.y1 * 2 + 1, glyphHeight: l.glyphHeight * 2 })));
    }
  }
  const lines = withoutCounterChains(found);
  // The scales overlap a little: keep one of two boxes that are the same line.
  lines.sort((a, b) => b.count - a.count || b.glyphHeight - a.glyphHeight);
  const out: TextLine[] = [];
  // A panel is kept beside the digit line inside it: it still holds a first or last digit that
  // merged with the panel's edge and dropped out of the line.
  const panel = (l: TextLine) => isPanel(l.count, l.fill);
  // Print of another size inside a box (small print on a big light blob) is another line.
  const sameSize = (a: TextLine, b: TextLine) => Math.max(a.glyphHeight, b.glyphHeight) <= SAME_SIZE * Math.min(a.glyphHeight, b.glyphHeight);
  for (const l of lines) if (!out.some((o) => panel(o) === panel(l) && sameSize(o, l) && overlap(o, l) > 0.6)) out.push(l);
  return out;
}
