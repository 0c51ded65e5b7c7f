/**
 * A text line as the line reader (line-reader.ts) sees it: cut level from the upright card at a
 * fixed height, its print made dark on a flat paper ground (the same polarity rule and background
 * division as the OCR's stack, line-stack.ts), scaled so the faintest print still spans 0..1.
 * No threshold: a blurred digit keeps the grey shape that tells it from its neighbours.
 */
import type { Gray } from './deskew.js';
import type { TextLine } from './text-lines.js';
import { flatten, innerHistogram, linePolarity, sample } from './line-stack.js';

/** Patch height in pixels; the glyph fills the middle half (SOURCE_GLYPHS). */
export const READER_H = 32;
/** Source height in glyph heights: room for a line that still slopes a little or sits off its centre. */
const SOURCE_GLYPHS = 2;
/** Side margin in glyph heights: a first or last digit merged with a panel's edge lies beyond the chain. */
const PAD_X = 1;
/** Widest patch (about 50 glyphs): longer lines are squeezed. */
export const READER_MAX_W = 800;
/** Least ink darkness (of 255) stretched to full: fainter is noise on the ground, not print. */
const INK_FLOOR = 40;

export interface ReaderPatch { data: Float32Array; width: number; height: number }

/** `view`: how much taller a source than SOURCE_GLYPHS the patch is cut from, at the same width: above 1 its glyphs come out smaller (reader-lines.ts reads a second view). */
export function readerPatch(g: Gray, l: TextLine, view = 1): ReaderPatch {
  const gh = l.glyphHeight;
  const srcH = SOURCE_GLYPHS * gh * view;
  const padX = PAD_X * gh;
  const srcW = l.x1 - l.x0 + 1 + 2 * padX;
  const h = READER_H;
  const w = Math.max(8, Math.min(READER_MAX_W, Math.round((srcW * h) / (SOURCE_GLYPHS * gh))));
  const sx = srcW / w; const sy = srcH / h;
  const xc = (l.x0 + l.x1) / 2; const yc = (l.y0 + l.y1) / 2;
  const grey = new Uint8Array(w * h);
  for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) {
    const x = l.x0 - padX + (u + 0.5) * sx;
    grey[v * w + u] = sample(g, x, yc + l.slope * (x - xc) - srcH / 2 + (v + 0.5) * sy);
  }
  const glyph = h / SOURCE_GLYPHS;
  const iu0 = Math.round(padX / sx); const iv0 = Math.round((srcH - gh) / 2 / sy);
  const light = linePolarity(grey, w, h, l, iv0, glyph, innerHistogram(w, h, iu0, iv0));
  const flat = flatten(grey, w, h, light, Math.max(3, Math.round(0.6 * glyph)));
  // The 99th percentile of the inner part's darkness is full ink: a faint panel reads like a dark one.
  const hist = new Uint32Array(256); let n = 0;
  for (let v = iv0; v < h - iv0; v++) for (let u = iu0; u < w - iu0; u++) { hist[255 - flat[v * w + u]]++; n++; }
  let full = 255;
  for (let d = 255, seen = 0; d >= 0; d--) { seen += hist[d]; if (seen > 0.01 * n) { full = d; break; } }
  const scale = Math.max(INK_FLOOR, full);
  const data = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) data[i] = Math.min(1, (255 - flat[i]) / scale);
  return { data, width: w, height: h };
}
