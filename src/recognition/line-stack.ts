/**
 * Cuts each found text line out of the upright card, straightens its residual slope, scales it to
 * one glyph height, divides it by its own background (a closing wider than a stroke, so a shadow
 * edge or a light gradient across the line drops out), binarizes it with its own Otsu threshold
 * (so a light panel, a neon band and a dark card each get the right cut) and stacks all lines into
 * one black-on-white page: one OCR call reads every line, and each line arrives clean, level and
 * at the size tesseract reads best.
 */
import type { Gray } from './deskew.js';
import { components, integralImage, isPanel, type TextLine } from './text-lines.js';
import { eraseCounterDots, eraseMarks } from './patch-cleanup.js';
import { otsu } from './otsu.js';

/**
 * How a stack is drawn: glyph height the lines are scaled to, grey or hard black-and-white, and
 * optionally a number line's side margin in glyph heights (NUMBER_PAD_X by default).
 */
export interface StackStyle { glyph: number; grey: boolean; numberPad?: number; localContrast?: boolean }
/** Tesseract read 28 px digits as well as 36 px ones on the development set, and ~20% faster; grey keeps the anti-aliasing. */
export const DEFAULT_STYLE: StackStyle = { glyph: 28, grey: true };
const GAP = 24;
const MARGIN = 24;
const MAX_ROW_WIDTH = 2400;

export interface StackRow { line: TextLine; y0: number; y1: number }
export interface LineStack { data: Uint8Array; width: number; height: number; rows: StackRow[] }

/** Removes ink connected to the patch border: panel edges and neighbouring print, not glyphs. */
function clearBorder(bin: Uint8Array, w: number, h: number): void {
  const stack: number[] = [];
  const push = (p: number) => { if (bin[p] === 0) { bin[p] = 255; stack.push(p); } };
  for (let x = 0; x < w; x++) { push(x); push((h - 1) * w + x); }
  for (let y = 0; y < h; y++) { push(y * w); push(y * w + w - 1); }
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % w;
    if (x > 0) push(p - 1);
    if (x < w - 1) push(p + 1);
    if (p >= w) push(p - w);
    if (p < (h - 1) * w) push(p + w);
  }
}

/** Pixels of the grey halo kept around ink (at the stack's glyph scale). */
const HALO = 2;

/** 1 where an ink pixel (0) lies within `r` pixels (square neighbourhood), by two separable passes. */
function dilate(bin: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let last = -Infinity;
    for (let x = 0; x < w; x++) { if (bin[y * w + x] === 0) last = x; if (x - last <= r) rows[y * w + x] = 1; }
    last = Infinity;
    for (let x = w - 1; x >= 0; x--) { if (bin[y * w + x] === 0) last = x; if (last - x <= r) rows[y * w + x] = 1; }
  }
  const out = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) {
    if (!rows[y * w + x]) continue;
    for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) out[k * w + x] = 1;
  }
  return out;
}

/**
 * Blanks solid ink columns and rows at the patch's edges: the card around a number panel. Without
 * this, a first or last digit that blur joined to the panel's edge is cleared with the card.
 */
function trimSolidEdges(bin: Uint8Array, w: number, h: number): void {
  const colInk = (x: number) => { let n = 0; for (let y = 0; y < h; y++) if (bin[y * w + x] === 0) n++; return n / h; };
  const rowInk = (y: number) => { let n = 0; for (let x = 0; x < w; x++) if (bin[y * w + x] === 0) n++; return n / w; };
  const SOLID = 0.8;
  for (let x = 0; x < w && colInk(x) > SOLID; x++) for (let y = 0; y < h; y++) bin[y * w + x] = 255;
  for (let x = w - 1; x >= 0 && colInk(x) > SOLID; x--) for (let y = 0; y < h; y++) bin[y * w + x] = 255;
  for (let y = 0; y < h && rowInk(y) > SOLID; y++) bin.fill(255, y * w, (y + 1) * w);
  for (let y = h - 1; y >= 0 && rowInk(y) > SOLID; y--) bin.fill(255, y * w, (y + 1) * w);
}

export function sample(g: Gray, x: number, y: number): number {
  const xc = Math.min(Math.max(x, 0), g.width - 1); const yc = Math.min(Math.max(y, 0), g.height - 1);
  const x0 = Math.floor(xc); const y0 = Math.floor(yc);
  const x1 = Math.min(x0 + 1, g.width - 1); const y1 = Math.min(y0 + 1, g.height - 1);
  const fx = xc - x0; const fy = yc - y0; const w = g.width; const d = g.data;
  return (d[y0 * w + x0] * (1 - fx) + d[y0 * w + x1] * fx) * (1 - fy) + (d[y1 * w + x0] * (1 - fx) + d[y1 * w + x1] * fx) * fy;
}

/** Side margin of a line patch in glyph heights. */
const PAD_X = 0.5;
/**
 * A number line's: a first or last digit that blur merged with its panel's edge is not in the
 * line's chain but still fits in the patch (the flattened ground beyond the panel turns to paper).
 * Short lines (the face value) keep the narrow margin: a unit or a neighbour's print beside them
 * would be read as digits.
 */
const NUMBER_PAD_X = 1.0;

/** Glyphs in a line from which the line finder's polarity is trusted over the ring around it. */
const LONG_CHAIN = 8;

/** Closing radius for the background estimate, in glyph heights (wider than any stroke, narrower than a shadow). */
const FLAT_RADIUS = 0.6;

/**
 * Sliding max over ±r along one strided run of `n` values (van Herk / Gil-Werman: three
 * comparisons per value whatever r). `g`, `hh` are scratch buffers of at least n + 2r values.
 */
function runMax(src: Uint8Array, dst: Uint8Array, off: number, stride: number, n: number, r: number, g: Uint8Array, hh: Uint8Array): void {
  const k = 2 * r + 1; const m = n + 2 * r;
  // Padded index p ↔ source index p − r; the pads are 0, which never wins a max.
  for (let p = 0; p < m; p++) {
    const i = p - r;
    const v = i >= 0 && i < n ? src[off + i * stride] : 0;
    g[p] = p % k === 0 ? v : Math.max(g[p - 1], v);
  }
  for (let p = m - 1; p >= 0; p--) {
    const i = p - r;
    const v = i >= 0 && i < n ? src[off + i * stride] : 0;
    hh[p] = p === m - 1 || (p + 1) % k === 0 ? v : Math.max(hh[p + 1], v);
  }
  for (let o = 0; o < n; o++) dst[off + o * stride] = Math.max(hh[o], g[o + 2 * r]);
}

/** 255 / (255 − v), capped: the gain that lifts a ground of 255 − v to paper white. */
const RECIPROCAL = Float64Array.from({ length: 256 }, (_, v) => 255 / Math.max(8, 255 - v));

/** Grey dilation (max) of a w×h image by a (2r+1)² square, separably. */
function dilateGrey(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const tmp = new Uint8Array(w * h); const out = new Uint8Array(w * h);
  const g = new Uint8Array(Math.max(w, h) + 2 * r); const hh = new Uint8Array(Math.max(w, h) + 2 * r);
  for (let y = 0; y < h; y++) runMax(src, tmp, y * w, 1, w, r, g, hh);
  for (let x = 0; x < w; x++) runMax(tmp, out, x, w, h, r, g, hh);
  return out;
}

/**
 * The patch divided by its background (0..255, paper 255, ink dark): a closing (max then min) of
 * radius `r` removes the strokes and keeps the ground's large shapes, shadow steps included.
 * Light print is inverted first.
 */
export function flatten(grey: Uint8Array, w: number, h: number, light: boolean, r: number): Uint8Array {
  let src = grey;
  if (light) { src = new Uint8Array(w * h); for (let i = 0; i < w * h; i++) src[i] = 255 - grey[i]; }
  // Closing = dilation, then erosion; erosion is the dilation of the negative.
  const dil = dilateGrey(src, w, h, r);
  for (let i = 0; i < dil.length; i++) dil[i] = 255 - dil[i];
  const bg = dilateGrey(dil, w, h, r);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) out[i] = Math.min(255, (src[i] * RECIPROCAL[bg[i]] + 0.5) | 0);
  return out;
}

/** Radius of the local contrast window, in glyph heights: about a digit and its neighbours' strokes. */
const LOCAL_RADIUS = 0.8;
/** Least ink darkness (of 255) a window is stretched to full: fainter is noise on paper, not print. */
const LOCAL_FLOOR = 80;

/**
 * Each pixel's darkness over the darkest ink within `r` (at least LOCAL_FLOOR): digits washed out
 * by a glare spot come out as dark as the rest of the line, which one threshold then keeps.
 */
export function stretchLocally(flat: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const dark = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) dark[i] = 255 - flat[i];
  const most = dilateGrey(dark, w, h, r);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) out[i] = 255 - Math.min(255, Math.round((255 * dark[i]) / Math.max(LOCAL_FLOOR, most[i])));
  return out;
}

/**
 * Whether the ring above and below the line is darker than its neighbourhood (light print),
 * from local means over about a glyph; null when the ring shows no contrast either way.
 */
function ringIsDark(grey: Uint8Array, w: number, h: number, iv0: number, glyph: number): boolean | null {
  const integral = integralImage({ data: grey, width: w, height: h });
  const r = Math.max(4, Math.round(glyph));
  const W = w + 1;
  let brighter = 0; let darker = 0;
  for (let v = 0; v < h; v++) {
    // Only the half of the ring next to the line: its outer half may reach past a panel's edge.
    if ((v >= iv0 && v < h - iv0) || v < iv0 / 2 || v >= h - iv0 / 2) continue;
    const y0 = Math.max(0, v - r); const y1 = Math.min(h, v + r + 1);
    for (let u = 0; u < w; u++) {
      const x0 = Math.max(0, u - r); const x1 = Math.min(w, u + r + 1);
      const mean = (integral[y1 * W + x1] - integral[y0 * W + x1] - integral[y1 * W + x0] + integral[y0 * W + x0]) / ((x1 - x0) * (y1 - y0));
      const d = grey[v * w + u] - mean;
      if (d > 4) brighter++; else if (d < -4) darker++;
    }
  }
  if (brighter === darker) return null;
  return darker > brighter;
}

/**
 * The shape of a cut patch's ink, in pixels across: `bar`, the widest component about as tall
 * as the panel the patch was cut from (its digits are about half that) and at least two of those
 * heights wide, 0 when none; `span`, how much of the width ink at least a third of the panel's
 * height tall covers, bars left out. A panel cut in the wrong polarity is a bar with the digits as holes.
 */
function inkShape(kept: Uint8Array, w: number, h: number, panelH: number): { bar: number; span: number } {
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) mask[i] = kept[i] === 0 ? 1 : 0;
  let bar = 0;
  const covered = new Uint8Array(w);
  for (const c of components(mask, w, h)) {
    const cw = c.x1 - c.x0 + 1; const ch = c.y1 - c.y0 + 1;
    if (ch >= BAR_HEIGHT * panelH && cw >= 2 * panelH) bar = Math.max(bar, cw);
    else if (ch >= panelH / 3) covered.fill(1, c.x0, c.x1 + 1);
  }
  return { bar, span: covered.reduce((n, v) => n + v, 0) };
}
const BAR_HEIGHT = 0.75;

/** A patch cut in one polarity: flattened, thresholded (`bin`), cleaned (`kept`), with its mean ink and ground levels. */
interface PatchCut { flat: Uint8Array; bin: Uint8Array; kept: Uint8Array; mI: number; mB: number }

function binarize(grey: Uint8Array, w: number, h: number, light: boolean, style: StackStyle, innerHist: (img: Uint8Array) => Float64Array): PatchCut {
  // Background flattening: the paper (or, for light print, the dark ground) is estimated by a
  // morphological closing wider than a stroke, and the patch divided by it, so uneven light,
  // a shadow edge or a glare spot across the line no longer decide which pixels are ink.
  const radius = Math.max(3, Math.round(FLAT_RADIUS * style.glyph));
  let flat = flatten(grey, w, h, light, radius);
  if (style.localContrast) flat = stretchLocally(flat, w, h, Math.max(3, Math.round(LOCAL_RADIUS * style.glyph)));
  // Threshold from the inner part only: the padding may reach past a panel's edge.
  const t = otsu(innerHist(flat));
  const bin = new Uint8Array(w * h);
  let inkSum = 0; let inkN = 0; let bgSum = 0; let bgN = 0;
  for (let i = 0; i < w * h; i++) {
    const ink = flat[i] <= t;
    bin[i] = ink ? 0 : 255;
    if (ink) { inkSum += flat[i]; inkN++; } else { bgSum += flat[i]; bgN++; }
  }
  const kept = Uint8Array.from(bin);
  trimSolidEdges(kept, w, h);
  clearBorder(kept, w, h);
  eraseCounterDots(kept, w, h, style.glyph);
  eraseMarks(kept, w, h, style.glyph, true, true);
  return { flat, bin, kept, mI: inkN ? inkSum / inkN : 0, mB: bgN ? bgSum / bgN : 255 };
}

/** Histogram of a patch's inner part (without its `iu0`/`iv0` padding), or of all of it when that is empty. */
export function innerHistogram(w: number, h: number, iu0: number, iv0: number): (img: Uint8Array) => Float64Array {
  return (img) => {
    const hist = new Float64Array(256);
    for (let v = iv0; v < h - iv0; v++) for (let u = iu0; u < w - iu0; u++) hist[img[v * w + u]]++;
    if (hist.every((c) => c === 0)) for (const p of img) hist[p]++;
    return hist;
  };
}

/** Whether line `l`'s print is lighter than its ground, from its grey patch (padding `iv0` rows above and below). */
export function linePolarity(grey: Uint8Array, w: number, h: number, l: TextLine, iv0: number, glyph: number, innerHist: (img: Uint8Array) => Float64Array): boolean {
  // Polarity. A light panel found as one mostly solid blob: its ring is the card around it, and
  // its ink is the minority inside. A long chain of glyph-shaped components (a card number): the
  // polarity it was chained in. Shorter lines: the padding ring above and below the line is
  // background, so ink is whatever the ring is not; three cues vote, each fooled by something
  // else: the ring against one threshold (a shadow across the line), the ring against its
  // neighbourhood (a panel edge or foil flecks just outside the line), and the polarity the line
  // finder chained it in (the dark gaps between bold light glyphs).
  if (isPanel(l.count, l.fill)) {
    const hist = innerHist(grey);
    const t0 = otsu(hist);
    let above = 0; let all = 0;
    for (let i = 0; i < 256; i++) { all += hist[i]; if (i > t0) above += hist[i]; }
    return above < all / 2;
  }
  if (l.count >= LONG_CHAIN) return l.light;
  const t0 = otsu(innerHist(grey));
  let ringAbove = 0; let ringN = 0;
  for (let v = 0; v < h; v++) {
    if (v >= iv0 && v < h - iv0) continue;
    for (let u = 0; u < w; u++) { ringN++; if (grey[v * w + u] > t0) ringAbove++; }
  }
  const global = ringN > 0 ? ringAbove < ringN / 2 : l.light;
  const local = ringIsDark(grey, w, h, iv0, glyph) ?? global;
  return [global, local, l.light].filter(Boolean).length >= 2;
}

/** A line cut out, level and scaled: its size and its binarized cut (linePatch draws it grey or black-and-white). */
interface LineCut { width: number; height: number; cut: PatchCut }

/**
 * Each card image's line cuts by line and style, its grey flag aside: a black-and-white page of the
 * lines a grey page was drawn from reuses their cuts, which are most of a page's cost. Keyed weakly,
 * so a card's cuts go with it.
 */
const cutCache = new WeakMap<Gray, WeakMap<TextLine, Map<string, LineCut>>>();

function cachedCut(g: Gray, l: TextLine, style: StackStyle): LineCut {
  const key = `${style.glyph}|${style.numberPad ?? ''}|${style.localContrast ? 1 : 0}`;
  let byLine = cutCache.get(g);
  if (!byLine) { byLine = new WeakMap(); cutCache.set(g, byLine); }
  let byStyle = byLine.get(l);
  if (!byStyle) { byStyle = new Map(); byLine.set(l, byStyle); }
  let c = byStyle.get(key);
  if (!c) { c = cutLine(g, l, style); byStyle.set(key, c); }
  return c;
}

/** Line `l` sampled level at `style.glyph` px glyphs and binarized in the polarity of its print. */
function cutLine(g: Gray, l: TextLine, style: StackStyle): LineCut {
  const gh = l.glyphHeight;
  const s = style.glyph / gh;
  // Side margins: a first or last digit that blur merged with a panel's edge is not among the
  // line's components but may still be inside the patch; clearBorder() drops the edge itself.
  const padX = (l.count >= LONG_CHAIN ? style.numberPad ?? NUMBER_PAD_X : PAD_X) * gh; const padY = 0.4 * gh;
  const xc = (l.x0 + l.x1) / 2;
  const yc = (l.y0 + l.y1) / 2;
  // Height of the line once its slope is taken out.
  const level = Math.max(gh, l.y1 - l.y0 + 1 - Math.abs(l.slope) * (l.x1 - l.x0));
  const srcW = l.x1 - l.x0 + 1 + 2 * padX;
  const srcH = level + 2 * padY;
  const w = Math.max(8, Math.min(MAX_ROW_WIDTH, Math.round(srcW * s)));
  const h = Math.max(8, Math.round(srcH * s));
  const sx = srcW / w; const sy = srcH / h;
  const grey = new Uint8Array(w * h);
  for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) {
    const x = l.x0 - padX + (u + 0.5) * sx;
    const y = yc + l.slope * (x - xc) - srcH / 2 + (v + 0.5) * sy;
    grey[v * w + u] = sample(g, x, y);
  }
  const iu0 = Math.round(padX / sx); const iv0 = Math.round(padY / sy);
  const innerHist = innerHistogram(w, h, iu0, iv0);
  const light = linePolarity(grey, w, h, l, iv0, style.glyph, innerHist);
  let cut = binarize(grey, w, h, light, style, innerHist);
  // The minority rule fails on a blurred panel whose ground a shadow or gradient splits under one
  // threshold: cut that way, the panel comes out as one bar of ink with the digits as holes, which
  // tesseract reads as nothing (dev set 1: a card number and a PIN never read). The other polarity
  // is taken when it shows no bar and glyph-tall ink across at least half the bar. Bold digits
  // blur merged into one dark "panel" also look like a bar, but cut the other way are only specks.
  if (isPanel(l.count, l.fill)) {
    const panelH = h - 2 * iv0;
    const { bar } = inkShape(cut.kept, w, h, panelH);
    if (bar > 0) {
      const other = binarize(grey, w, h, !light, style, innerHist);
      const shape = inkShape(other.kept, w, h, panelH);
      if (shape.bar === 0 && shape.span >= bar / 2) cut = other;
    }
  }
  return { width: w, height: h, cut };
}

/** One line as a binarized, level, scaled patch (0 = ink, 255 = paper). */
export function linePatch(g: Gray, l: TextLine, style: StackStyle = DEFAULT_STYLE): { data: Uint8Array; width: number; height: number } {
  const { width: w, height: h, cut } = cachedCut(g, l, style);
  const { flat, bin, kept, mI, mB } = cut;
  if (!style.grey) return { data: kept, width: w, height: h };
  // Contrast-stretched grey keeps the anti-aliased edges that tell a blurred 8 from a 6 or a 0.
  // Only a thin halo around kept ink is drawn: a faint panel edge or background shading that
  // stayed above the threshold would otherwise come back in grey (a panel edge read as a "1").
  const near = dilate(kept, w, h, HALO);
  const span = mB - mI || 1;
  const out = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const removed = bin[i] === 0 && kept[i] === 255;
    out[i] = near[i] && !removed ? Math.max(0, Math.min(255, Math.round(((flat[i] - mI) / span) * 255))) : 255;
  }
  return { data: out, width: w, height: h };
}

export function stackLines(g: Gray, lines: TextLine[], style: StackStyle = DEFAULT_STYLE): LineStack {
  const patches = lines.map((l) => ({ l, p: linePatch(g, l, style) }));
  const width = Math.max(64, ...patches.map(({ p }) => p.width)) + 2 * MARGIN;
  const height = MARGIN + patches.reduce((s, { p }) => s + p.height + GAP, 0) + MARGIN;
  const data = new Uint8Array(width * height).fill(255);
  const rows: StackRow[] = [];
  let y = MARGIN;
  for (const { l, p } of patches) {
    for (let v = 0; v < p.height; v++) data.set(p.data.subarray(v * p.width, (v + 1) * p.width), (y + v) * width + MARGIN);
    rows.push({ line: l, y0: y, y1: y + p.height });
    y += p.height + GAP;
  }
  return { data, width, height, rows };
}
