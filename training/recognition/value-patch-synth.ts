/**
 * Synthetic stage-2 samples: the printed face value alone, rendered straight at patch scale as
 * value-patch.ts cuts it out of a photo (the number's glyph row ~1/1.3 of the patch height, centred
 * on the digits, the unit and neighbouring print partly in view), in the training palettes, with
 * the photo's degradations (rotation and shear left over from the warp, blur, noise, JPEG at photo
 * scale, a fingertip now and then).
 *
 * Why: a photo gives stage 2 one or two patches and costs ~100 ms to render; a patch costs a few
 * milliseconds, so the network can see many fonts × sizes × colours × positions of every number
 * instead of memorising the few cards it was shown (it read clean "10" as 100 and "30元" as 50).
 */
import sharp from 'sharp';
import { esc, palette } from './card-design.js';
import type { Rng } from './rng.js';
import { sampleRng } from './rng.js';
import { FONTS, PATCH_EXTRA_FONTS, PALETTE_STYLES } from './splits.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import type { PatchShape } from '../../src/recognition/value-patch.js';

/** Canvas units: the patch at 4×, so sizes below read as fractions of a 256×96 box. */
const S = 4;

const NEIGHBOUR_TEXT = ['中国移动', '中国联通', '中国电信', '面值', '充值卡', '卡号', 'RMB', '神州行', '一卡充', '天翼'];

function patchSvg(rng: Rng, shape: PatchShape, carrierIdx: number, denom: number, fontFamily: string): string {
  const W = shape.width * S; const H = shape.height * S;
  const p = palette(rng, CARRIERS[carrierIdx]!, rng.pick(PALETTE_STYLES.train));
  const font = esc(fontFamily);
  const parts: string[] = [];
  const ang = rng.range(0, 180);
  parts.push(`<defs><linearGradient id="g" gradientTransform="rotate(${ang.toFixed(0)} .5 .5)"><stop offset="0" stop-color="${p.bg1}"/><stop offset="1" stop-color="${p.bg2}"/></linearGradient></defs>`);
  parts.push(`<rect x="${-W * 0.25}" y="${-H * 0.25}" width="${W * 1.5}" height="${H * 1.5}" fill="url(#g)"/>`);
  for (let i = 0, k = rng.int(0, 3); i < k; i++) {
    const op = rng.range(0.08, 0.3).toFixed(2);
    parts.push(rng.chance(0.5)
      ? `<circle cx="${rng.range(-W / 2, 1.5 * W).toFixed(0)}" cy="${rng.range(-H, 2 * H).toFixed(0)}" r="${rng.range(20, 200).toFixed(0)}" fill="${p.accent}" opacity="${op}"/>`
      : `<rect x="${-W * 0.25}" y="${rng.range(-H / 2, H).toFixed(0)}" width="${W * 1.5}" height="${rng.range(6, 40).toFixed(0)}" fill="${p.accent}" opacity="${op}" transform="rotate(${rng.range(-20, 20).toFixed(0)} ${W / 2} ${H / 2})"/>`);
  }
  // The glyph row value-patch.ts finds is padded 1.3× in height; digit cap height ≈ 0.72 em.
  const cap = (H / 1.3) * rng.range(0.78, 1.12);
  const size = cap / 0.72;
  const digits = String(denom);
  const digitsW = digits.length * size * rng.range(0.52, 0.64);
  const cx = W / 2 + rng.gauss() * 0.05 * W;
  const top = (H - cap) / 2 + rng.gauss() * 0.05 * H;
  const base = top + cap;
  const weight = rng.chance(0.7) ? 'bold' : 'normal';
  const style = rng.chance(0.15) ? ' font-style="italic"' : '';
  const stroke = rng.chance(0.3) ? ` stroke="${p.light ? '#ffffff' : '#000000'}" stroke-width="${(size * 0.02).toFixed(1)}"` : '';
  parts.push(`<text x="${cx.toFixed(1)}" y="${base.toFixed(1)}" text-anchor="middle" font-family="${font}" font-size="${size.toFixed(1)}" font-weight="${weight}"${style} fill="${p.value}"${stroke}>${digits}</text>`);
  const unit = rng.pick(['元', '元', '', 'RMB']);
  if (unit) {
    parts.push(`<text x="${(cx + digitsW / 2 + size * 0.04).toFixed(1)}" y="${base.toFixed(1)}" font-family="${font}, WenQuanYi Zen Hei" font-size="${(size * 0.35).toFixed(1)}" font-weight="${weight}" fill="${p.value}">${unit}</text>`);
  }
  // Print above or below the number, cut by the patch edge.
  if (rng.chance(0.35)) {
    const y = rng.chance(0.5) ? top - rng.range(2, 10) : base + size * rng.range(0.25, 0.4);
    parts.push(`<text x="${rng.range(-W / 2, W / 2).toFixed(0)}" y="${y.toFixed(0)}" font-family="${font}, WenQuanYi Zen Hei" font-size="${(size * rng.range(0.22, 0.4)).toFixed(1)}" fill="${p.text}">${rng.pick(NEIGHBOUR_TEXT)}</text>`);
  }
  // The card's edge inside the patch (a number printed near it, or a grown crop): the photo background beyond.
  if (rng.chance(0.12)) {
    const side = rng.int(0, 3);
    const d = rng.range(0.02, 0.12);
    const bg = `hsl(${rng.int(0, 359)},${rng.int(0, 60)}%,${rng.int(10, 90)}%)`;
    parts.push(side === 0 ? `<rect x="${-W}" y="${-H}" width="${W * (1 + d)}" height="${3 * H}" fill="${bg}"/>`
      : side === 1 ? `<rect x="${W * (1 - d)}" y="${-H}" width="${W}" height="${3 * H}" fill="${bg}"/>`
        : side === 2 ? `<rect x="${-W}" y="${-H}" width="${3 * W}" height="${H * (1 + d * 2)}" fill="${bg}"/>`
          : `<rect x="${-W}" y="${H * (1 - d * 2)}" width="${3 * W}" height="${H}" fill="${bg}"/>`);
  }
  // A fingertip over part of the number now and then (the photos have partial occlusion too).
  if (rng.chance(0.06)) {
    parts.push(`<ellipse cx="${rng.range(0, W).toFixed(0)}" cy="${rng.chance(0.5) ? -H * 0.1 : H * 1.1}" rx="${rng.range(0.1, 0.2) * W}" ry="${rng.range(0.3, 0.55) * H}" fill="hsl(${rng.int(15, 30)},${rng.int(35, 60)}%,${rng.int(55, 75)}%)"/>`);
  }
  // What the perspective warp leaves: a small rotation and shear about the centre.
  const rot = rng.gauss() * 2.5; const skew = rng.gauss() * 4;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><g transform="rotate(${rot.toFixed(2)} ${W / 2} ${H / 2}) skewX(${skew.toFixed(2)})">${parts.join('')}</g></svg>`;
}

export interface SyntheticPatches { n: number; crops: Uint8Array; carrier: Int32Array; denom: Int32Array }
export interface PatchJob { seed: number; start: number; count: number; shape: PatchShape }

/** Patches per rasterised sheet; render workers split a job at sheet boundaries. */
export const PATCH_SHEET = 64;
/** Patches per row of a sheet. */
const COLS = 8;

/**
 * `count` samples from `start`, packed HWC uint8 as tensor-dataset.ts keeps stage-2 crops; sample i is
 * reproducible from (seed, i), and the classes cycle so every stretch of 24 is balanced.
 *
 * Patches are rasterised a sheet at a time (one SVG per 64 patches: a render costs ~3 ms however little
 * it draws); each sheet gets one photo scale, blur and JPEG quality, each patch its own noise.
 */
export async function renderValuePatches(seed: number, start: number, count: number, shape: PatchShape, onProgress?: (done: number) => void,
  fonts: readonly string[] = [...FONTS.train, ...PATCH_EXTRA_FONTS]): Promise<SyntheticPatches> {
  const B = shape.width * shape.height * 3;
  const out = { n: count, crops: new Uint8Array(count * B), carrier: new Int32Array(count), denom: new Int32Array(count) };
  const W = shape.width * S; const H = shape.height * S;
  for (let first = 0; first < count; first += PATCH_SHEET) {
    const n = Math.min(PATCH_SHEET, count - first);
    const cols = Math.min(COLS, n); const rows = Math.ceil(n / cols);
    const tiles: string[] = [];
    const rngs: Rng[] = [];
    // One typeface per sheet: text layout loads a font per render, and that, not drawing, is the cost.
    const sheetRng = sampleRng(seed ^ 0x5eed, Math.floor((start + first) / PATCH_SHEET));
    const font = sheetRng.pick(fonts);
    for (let k = 0; k < n; k++) {
      const index = start + first + k;
      const rng = sampleRng(seed, index);
      const carrier = index % CARRIERS.length;
      const denom = Math.floor(index / CARRIERS.length) % DENOMINATIONS.length;
      out.carrier[first + k] = carrier;
      out.denom[first + k] = denom;
      const inner = patchSvg(rng, shape, carrier, DENOMINATIONS[denom]!, font).replace(/id="g"/, `id="g${k}"`).replace(/url\(#g\)/, `url(#g${k})`);
      tiles.push(inner.replace('<svg xmlns="http://www.w3.org/2000/svg"', `<svg x="${(k % cols) * W}" y="${Math.floor(k / cols) * H}"`));
      rngs.push(rng);
    }
    // Degrade at photo scale (a patch is cut from a photo 1–3× its size), then shrink to patch size.
    const scale = sheetRng.range(1, 3);
    const w = Math.round(shape.width * scale); const h = Math.round(shape.height * scale);
    // Rasterised straight at that scale (the viewBox maps canvas units onto it): no 4× render to shrink.
    let img = sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${cols * w}" height="${rows * h}" viewBox="0 0 ${cols * W} ${rows * H}" preserveAspectRatio="none">${tiles.join('')}</svg>`))
      .removeAlpha();
    const blur = sheetRng.range(0, 1.2) * scale;
    if (blur > 0.35) img = img.blur(blur);
    const jpeg = await img.jpeg({ quality: sheetRng.int(30, 95) }).toBuffer();
    const { data } = await sharp(jpeg).resize(cols * shape.width, rows * shape.height, { fit: 'fill', kernel: 'linear' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const rowBytes = cols * shape.width * 3;
    for (let k = 0; k < n; k++) {
      const rng = rngs[k]!;
      const sigma = rng.range(0, 10);
      const x0 = (k % cols) * shape.width; const y0 = Math.floor(k / cols) * shape.height;
      const o = (first + k) * B;
      for (let y = 0; y < shape.height; y++) {
        for (let i = 0; i < shape.width * 3; i++) {
          const v = data[(y0 + y) * rowBytes + x0 * 3 + i]!;
          out.crops[o + y * shape.width * 3 + i] = sigma > 1 ? Math.max(0, Math.min(255, Math.round(v + rng.gauss() * sigma))) : v;
        }
      }
    }
    onProgress?.(first + n);
  }
  return out;
}

export function concatPatches(parts: SyntheticPatches[]): SyntheticPatches {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const B = n > 0 ? parts.reduce((a, p) => a + p.crops.length, 0) / n : 0; // bytes per patch
  const out: SyntheticPatches = { n, crops: new Uint8Array(n * B), carrier: new Int32Array(n), denom: new Int32Array(n) };
  let o = 0;
  for (const p of parts) {
    out.crops.set(p.crops, o * B); out.carrier.set(p.carrier, o); out.denom.set(p.denom, o);
    o += p.n;
  }
  return out;
}
