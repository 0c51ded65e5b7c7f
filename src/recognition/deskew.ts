/**
 * Model-free card orientation. Gradient orientation alone is fooled by backgrounds with strong
 * straight edges (a checkerboard, a table edge) and by JPEG block edges, so the rotation comes
 * from the text itself: neighbouring glyph-sized components of similar height line up along the
 * card's text lines, and the histogram of their centre-to-centre angles peaks at the rotation.
 * The card region is then resampled upright into a grey image for line finding.
 */
import { homographyFromPoints, type Point, type RawImage } from './geometry.js';
import { components, inkMasks, type Component } from './text-lines.js';

export interface Gray { data: Uint8Array; width: number; height: number }

/**
 * HSL lightness (max+min)/2: dark digits on light panels, white print on saturated (neon) colour
 * and light print on dark cards all keep a clear lightness contrast; luma loses white-on-yellow-green.
 */
export function lightness(img: RawImage): Gray {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    const r = d[i * c]; const g = d[i * c + 1]; const b = d[i * c + 2];
    out[i] = (Math.max(r, g, b) + Math.min(r, g, b)) >> 1;
  }
  return { data: out, width: img.width, height: img.height };
}

/** Resamples the quad (TL, TR, BR, BL in `src` pixels) to a width×height grey image; outside is `fill`. */
export function warpGray(src: Gray, quad: Point[], width: number, height: number, fill = 128): Gray {
  const h = homographyFromPoints([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], quad);
  const out = new Uint8Array(width * height);
  const sw = src.width; const sh = src.height; const d = src.data;
  // geometry.ts's applyHomography and a bilinear sample inlined: no call and no array per pixel.
  // Outside the source image is `fill`.
  for (let y = 0; y < height; y++) {
    const hy1 = h[1] * y; const hy4 = h[4] * y; const hy7 = h[7] * y;
    for (let x = 0; x < width; x++) {
      const w = h[6] * x + hy7 + h[8];
      const sx = (h[0] * x + hy1 + h[2]) / w; const sy = (h[3] * x + hy4 + h[5]) / w;
      if (!(sx >= 0 && sy >= 0 && sx <= sw - 1 && sy <= sh - 1)) { out[y * width + x] = fill; continue; }
      const xa = Math.floor(sx); const ya = Math.floor(sy);
      const xb = xa + 1 < sw ? xa + 1 : sw - 1; const yb = ya + 1 < sh ? ya + 1 : sh - 1;
      const fx = sx - xa; const fy = sy - ya;
      const v = (d[ya * sw + xa] * (1 - fx) + d[ya * sw + xb] * fx) * (1 - fy) + (d[yb * sw + xa] * (1 - fx) + d[yb * sw + xb] * fx) * fy;
      out[y * width + x] = v;
    }
  }
  return { data: out, width, height };
}

/** How wide, in its heights, a component may be when blurred glyphs merged into groups count (a digit group of four, a word). */
const MERGED_ASPECT = 12;

function glyphish(c: Component, minH: number, maxH: number, maxAspect: number): boolean {
  const h = c.y1 - c.y0 + 1; const w = c.x1 - c.x0 + 1;
  if (h < minH || h > maxH || w > maxAspect * h || h > 4 * w + 4) return false;
  const fill = c.area / (h * w);
  return fill > 0.12 && fill < 0.85;
}

/**
 * Text-line rotation (degrees, image y down, positive = clockwise) of the text in `g`, or null when
 * there is too little text. Each glyph votes with the direction to its nearest similar-height
 * neighbour on its right; `minH`/`maxH` bound glyph heights in `g` pixels. `groupsWhenFew`: when
 * too few single glyphs vote (blur merged them into groups), the groups vote instead: components up
 * to MERGED_ASPECT wide, a neighbour qualifying by the gap between the boxes (their centres are a
 * group apart), the nearest centre still winning. The ink and its components are found once for both.
 */
export function textAngle(g: Gray, minH: number, maxH: number, maxDeg = 40, groupsWhenFew = false): number | null {
  const window = Math.max(15, Math.round(maxH) | 1);
  const masks = inkMasks(g, window, 10);
  const comps = [masks.dark, masks.light].map((mask) => components(mask, g.width, g.height));
  return angleOfVotes(comps, minH, maxH, maxDeg, false) ?? (groupsWhenFew ? angleOfVotes(comps, minH, maxH, maxDeg, true) : null);
}

/** The votes of one kind of component (single glyphs, or `merged` groups) over both polarities' components, as textAngle describes. */
function angleOfVotes(comps: Component[][], minH: number, maxH: number, maxDeg: number, merged: boolean): number | null {
  const BINS = 2 * maxDeg * 2; // 0.5° bins over [-maxDeg, maxDeg)
  const hist = new Float64Array(BINS);
  let votes = 0;
  for (const all of comps) {
    const cs = all.filter((c) => glyphish(c, minH, maxH, merged ? MERGED_ASPECT : 3)).sort((a, b) => a.x0 - b.x0);
    const tan = Math.tan((maxDeg * Math.PI) / 180);
    for (let i = 0; i < cs.length; i++) {
      const a = cs[i]; const ha = a.y1 - a.y0 + 1;
      const ax = (a.x0 + a.x1) / 2; const ay = (a.y0 + a.y1) / 2;
      let best = -1; let bestD = Infinity;
      for (let j = i + 1; j < cs.length; j++) {
        const b = cs[j]; const hb = b.y1 - b.y0 + 1;
        if (b.x0 - a.x1 > 2 * Math.max(ha, hb)) break;
        if (Math.min(ha, hb) / Math.max(ha, hb) < 0.75) continue;
        const dx = (b.x0 + b.x1) / 2 - ax; const dy = (b.y0 + b.y1) / 2 - ay;
        if (dx <= 0 || Math.abs(dy) > dx * tan) continue;
        const d = Math.hypot(dx, dy);
        // Merged glyph groups are judged by the gap between them, single glyphs by their centres' distance.
        if (merged ? b.x0 - a.x1 > 1.5 * Math.max(ha, hb) : d > 2 * Math.max(ha, hb) || d < 0.3 * Math.min(ha, hb)) continue;
        if (d < bestD) { bestD = d; best = j; }
      }
      if (best < 0) continue;
      const b = cs[best];
      const deg = (Math.atan2((b.y0 + b.y1) / 2 - ay, (b.x0 + b.x1) / 2 - ax) * 180) / Math.PI;
      hist[Math.max(0, Math.min(BINS - 1, Math.floor((deg + maxDeg) * 2)))] += 1;
      votes++;
    }
  }
  if (votes < 6) return null;
  let best = 0; let bestV = -1;
  for (let b = 0; b < BINS; b++) {
    let s = 0;
    for (let k = -4; k <= 4; k++) if (b + k >= 0 && b + k < BINS) s += hist[b + k] * (5 - Math.abs(k));
    if (s > bestV) { bestV = s; best = b; }
  }
  // Refine: weighted mean of the votes within ±2° of the peak.
  let sw = 0; let sa = 0;
  for (let k = -4; k <= 4; k++) {
    const b = best + k;
    if (b < 0 || b >= BINS) continue;
    sw += hist[b]; sa += hist[b] * ((b + 0.5) / 2 - maxDeg);
  }
  return sw > 0 ? sa / sw : (best + 0.5) / 2 - maxDeg;
}
