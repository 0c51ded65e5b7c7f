/**
 * Where is the printed face value? The tallest row of glyphs on the card: on every layout the face
 * value is printed 2–3× taller than any other text. Found without a model on the upright card (grey,
 * DET_W × DET_H): ink darker or lighter than its neighbourhood → connected components of
 * face-value height → horizontal chains of similar height → the chain with the most ink height.
 * The box is then cut from the photo itself, so the stage-2 CNN sees a normalised, centred number
 * (a far easier thing to learn in a few hundred steps than "find the number anywhere on the card").
 */
import type { Point } from './geometry.js';
import { cropQuad, growQuad, type PixelSource } from './stage2-crop.js';
import { components, integralImage, type Box } from './text-lines.js';

export const DET_W = 160;
export const DET_H = 100;

export interface PatchShape { width: number; height: number }
/** A box in card-unit coordinates (0..1 across the upright card). */
export interface UnitBox { u0: number; v0: number; u1: number; v1: number }

/** Ink masks (dark and light print) by comparison with the local mean over a (2r+1)² window. */
function inkMasks(g: Float32Array, w: number, h: number, r: number, t: number): Uint8Array[] {
  const I = integralImage({ data: g, width: w, height: h });
  const dark = new Uint8Array(w * h); const light = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - r); const yb = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const xa = Math.max(0, x - r); const xb = Math.min(w, x + r + 1);
      const mean = (I[yb * (w + 1) + xb] - I[ya * (w + 1) + xb] - I[yb * (w + 1) + xa] + I[ya * (w + 1) + xa]) / ((yb - ya) * (xb - xa));
      const v = g[y * w + x];
      if (v < mean - t) dark[y * w + x] = 1; else if (v > mean + t) light[y * w + x] = 1;
    }
  }
  return [dark, light];
}

/** A chain of face-value-sized glyphs in pixels of the image it was found in; `light`: light print on a darker ground. */
export interface ValueChain extends Box { count: number; glyphHeight: number; light: boolean }

/**
 * The face value's glyph chain in a grey image (values 0..1) whose card is `cardH` pixels tall
 * (the whole image for an upright card crop), or null. Ink is compared with the mean over a
 * window of about a quarter card height.
 */
export function findValueChain(g: Float32Array, w: number, h: number, cardH = h): ValueChain | null {
  let best: { score: number; chain: ValueChain } | null = null;
  const masks = inkMasks(g, w, h, Math.max(2, Math.round(0.12 * cardH)), 0.06);
  for (const [polarity, mask] of masks.entries()) {
    // Face-value glyphs are 12–40% of the card height; other print is under ~9%.
    const comps = components(mask, w, h).filter((c) => {
      const ch = c.y1 - c.y0 + 1; const cw = c.x1 - c.x0 + 1;
      // …and never solid (a fingertip over the card is one big filled blob).
      return ch >= 0.12 * cardH && ch <= 0.42 * cardH && cw <= 1.1 * ch && cw >= 0.08 * ch && c.area >= 0.12 * ch * cw && (c.area <= 0.72 * ch * cw || cw < 0.4 * ch);
    }).sort((a, b) => a.x0 - b.x0);
    // Chain neighbours of similar height that share most of their vertical extent.
    for (let i = 0; i < comps.length; i++) {
      let { x0, y0, x1, y1 } = comps[i];
      let score = y1 - y0 + 1;
      let last = comps[i];
      const heights = [score];
      for (let j = i + 1; j < comps.length; j++) {
        const c = comps[j]; const lh = last.y1 - last.y0 + 1; const ch = c.y1 - c.y0 + 1;
        const overlap = Math.min(last.y1, c.y1) - Math.max(last.y0, c.y0) + 1;
        if (c.x0 - last.x1 > 0.9 * lh) break;
        if (overlap < 0.6 * Math.min(lh, ch) || Math.max(lh, ch) > 1.6 * Math.min(lh, ch)) continue;
        x0 = Math.min(x0, c.x0); y0 = Math.min(y0, c.y0); x1 = Math.max(x1, c.x1); y1 = Math.max(y1, c.y1);
        score += ch; last = c; heights.push(ch);
      }
      if (!best || score > best.score) {
        heights.sort((a, b) => a - b);
        best = { score, chain: { x0, y0, x1, y1, count: heights.length, glyphHeight: heights[Math.floor(heights.length / 2)], light: polarity === 1 } };
      }
    }
  }
  return best?.chain ?? null;
}

/** The face-value box on an upright grey card (DET_W × DET_H, values 0..1), or null. */
export function findValueBox(g: Float32Array, w = DET_W, h = DET_H): UnitBox | null {
  const c = findValueChain(g, w, h);
  return c && { u0: c.x0 / w, v0: c.y0 / h, u1: (c.x1 + 1) / w, v1: (c.y1 + 1) / h };
}

/** Padded box → quad in photo coordinates (through the card's own perspective). */
function boxQuad(card: Point[], b: UnitBox): Point[] {
  const at = (u: number, v: number): Point => {
    // bilinear interpolation of the card quad is close enough to the homography at this scale
    const top: Point = [card[0][0] + (card[1][0] - card[0][0]) * u, card[0][1] + (card[1][1] - card[0][1]) * u];
    const bot: Point = [card[3][0] + (card[2][0] - card[3][0]) * u, card[3][1] + (card[2][1] - card[3][1]) * u];
    return [top[0] + (bot[0] - top[0]) * v, top[1] + (bot[1] - top[1]) * v];
  };
  return [at(b.u0, b.v0), at(b.u1, b.v0), at(b.u1, b.v1), at(b.u0, b.v1)];
}

/** Fixed-aspect box around the found value (left-aligned numbers stay left, etc. do not matter). */
function padded(b: UnitBox | null, aspect: number): UnitBox {
  if (!b) return { u0: 0.25, v0: 0.3, u1: 0.75, v1: 0.7 }; // nothing found: the card's middle
  const hu = (b.v1 - b.v0) * 1.3;
  const cu = (b.u0 + b.u1) / 2; const cv = (b.v0 + b.v1) / 2;
  // card units: width 1 ≙ 856, height 1 ≙ 540 → a patch of aspect A spans A·h·540/856 in u
  const wu = Math.max((b.u1 - b.u0) * 1.15, aspect * hu * (540 / 856));
  return { u0: cu - wu / 2, v0: cv - hu / 2, u1: cu + wu / 2, v1: cv + hu / 2 };
}

/** The stage-2 input: the face-value region of the card in `quad` (photo pixels), NHWC float [0, 1]. */
export function valuePatch(src: PixelSource, quad: Point[], grow: number, shape: PatchShape): Float32Array {
  const q = growQuad(quad, grow);
  const rgb = cropQuad(src, q, { width: DET_W, height: DET_H, grow: 1 });
  const g = new Float32Array(DET_W * DET_H);
  for (let i = 0; i < g.length; i++) g[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
  const box = padded(findValueBox(g), shape.width / shape.height);
  return cropQuad(src, boxQuad(q, box), { width: shape.width, height: shape.height, grow: 1 });
}
