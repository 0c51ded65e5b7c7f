/**
 * Puts a rendered card into a simulated phone photo: background, perspective, rotation, scale,
 * uneven light and shadow, occlusion, noise, blur and JPEG compression.
 */
import sharp from 'sharp';
import { sampleRng, type Rng } from './rng.js';
import { backgroundSvg } from './backgrounds.js';
import { CARD_H, CARD_W, randomSpec, renderCardSvg, type CardBox, type CardSpec } from './card-design.js';
import { BACKGROUNDS, FONTS, LAYOUTS, PALETTE_STYLES, type Split } from './splits.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import { applyHomography, compositeWarped, homographyFromPoints, type Point, type RawImage } from '../../src/recognition/geometry.js';

export type Difficulty = 'train' | 'standard' | 'hard';

export interface PhotoOptions {
  split: Split;
  difficulty: Difficulty;
  /** Long side of the output photo in pixels. */
  longSide: number;
  /** When set, the class is index % 24 (balanced sets); otherwise drawn at random. */
  balanced?: boolean;
  /** The card's typefaces, instead of the split's (the line reader's lines also use the patch fonts). */
  fonts?: string[];
}

export interface PhotoSample {
  image: Buffer; // JPEG
  spec: CardSpec;
  corners: Point[]; // TL, TR, BR, BL in output pixels
  /** Whether an occluder (a fingertip, an object) covers part of the PIN's panel: no one can read that PIN whole. */
  pinOccluded: boolean;
  /** The same for the card number. */
  serialOccluded: boolean;
  /** Where the card number's and the PIN's digits are printed, in card units (card-design.ts). */
  serialBox: CardBox;
  pinBox: CardBox;
  /** Around where the face value is printed, large and small, in card units. */
  valueBoxes: CardBox[];
  width: number;
  height: number;
}

interface Knobs { rot: number; persp: number; minFrac: number; maxFrac: number; blur: number; noise: number;
  qLo: number; qHi: number; occl: number; light: number; shadow: number; glare: number }

const KNOBS: Record<Difficulty, Knobs> = {
  train: { rot: 28, persp: 0.09, minFrac: 0.4, maxFrac: 0.95, blur: 2.2, noise: 16, qLo: 25, qHi: 95, occl: 0.35, light: 0.5, shadow: 0.5, glare: 0.25 },
  standard: { rot: 12, persp: 0.04, minFrac: 0.55, maxFrac: 0.9, blur: 1.0, noise: 6, qLo: 60, qHi: 95, occl: 0.1, light: 0.25, shadow: 0.2, glare: 0.05 },
  hard: { rot: 25, persp: 0.08, minFrac: 0.45, maxFrac: 0.92, blur: 1.8, noise: 12, qLo: 30, qHi: 95, occl: 0.35, light: 0.45, shadow: 0.5, glare: 0.2 },
};

async function svgToRaw(svg: string, width: number, height: number, alpha: boolean): Promise<RawImage> {
  let s = sharp(Buffer.from(svg)).resize(width, height, { fit: 'fill' });
  s = alpha ? s.ensureAlpha() : s.removeAlpha();
  const { data, info } = await s.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
}

function placeCard(rng: Rng, k: Knobs, w: number, h: number): Point[] {
  for (let attempt = 0; ; attempt++) {
    const shrink = Math.pow(0.93, attempt);
    const theta = (rng.range(-k.rot, k.rot) * Math.PI) / 180;
    const cw = rng.range(k.minFrac, k.maxFrac) * Math.min(w, h * (CARD_W / CARD_H)) * shrink;
    const ch = cw * (CARD_H / CARD_W);
    const base: Point[] = [[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]];
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const rel = base.map(([x, y]): Point => [
      x * c - y * s + rng.gauss() * k.persp * cw * 0.5,
      x * s + y * c + rng.gauss() * k.persp * cw * 0.5,
    ]);
    const minX = Math.min(...rel.map((p) => p[0]));
    const maxX = Math.max(...rel.map((p) => p[0]));
    const minY = Math.min(...rel.map((p) => p[1]));
    const maxY = Math.max(...rel.map((p) => p[1]));
    const m = 2;
    if (maxX - minX > w - 2 * m || maxY - minY > h - 2 * m) continue;
    const cx = rng.range(m - minX, w - m - maxX);
    const cy = rng.range(m - minY, h - m - maxY);
    return rel.map(([x, y]): Point => [x + cx, y + cy]);
  }
}

/** Light falloff, a soft shadow edge and glare, all applied as per-pixel gain. */
function applyLighting(img: RawImage, rng: Rng, k: Knobs): void {
  const { width: w, height: h, data } = img;
  const gx = rng.range(-k.light, k.light) / w;
  const gy = rng.range(-k.light, k.light) / h;
  const g0 = rng.range(1 - k.light / 2, 1 + k.light / 4);
  const shadow = rng.chance(k.shadow);
  const sa = rng.range(0, Math.PI * 2);
  const sd = rng.range(-0.3, 0.3) * Math.min(w, h);
  const sDepth = rng.range(0.45, 0.8);
  const soft = rng.range(2, 0.08 * w);
  const glare = rng.chance(k.glare);
  const gcx = rng.range(0, w);
  const gcy = rng.range(0, h);
  const gr = rng.range(0.05, 0.25) * w;
  const gi = rng.range(60, 160);
  const tint = [rng.range(0.9, 1.1), rng.range(0.9, 1.1), rng.range(0.9, 1.1)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let gain = g0 + gx * (x - w / 2) + gy * (y - h / 2);
      if (shadow) {
        const d = (x - w / 2) * Math.cos(sa) + (y - h / 2) * Math.sin(sa) - sd;
        const t = Math.min(1, Math.max(0, 0.5 + d / soft));
        gain *= 1 - (1 - sDepth) * t;
      }
      let add = 0;
      if (glare) {
        const r2 = ((x - gcx) ** 2 + (y - gcy) ** 2) / (gr * gr);
        add = gi * Math.exp(-r2);
      }
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = Math.max(0, Math.min(255, data[o + c] * gain * tint[c] + add));
    }
  }
}

export interface Occluder { cx: number; cy: number; rx: number; ry: number; ang: number }

/** Squared elliptic radius of a point about the occluder: 1 on its rim, under it up to 1. */
function occluderRadius2(o: Occluder, x: number, y: number): number {
  const dx = x - o.cx; const dy = y - o.cy;
  const ca = Math.cos(o.ang); const sa = Math.sin(o.ang);
  const u = (dx * ca + dy * sa) / o.rx;
  const v = (-dx * sa + dy * ca) / o.ry;
  return u * u + v * v;
}

/** Whether the occluder covers any of a card-unit box, sampled on a fine grid mapped into the photo. */
export function boxOccluded(o: Occluder | null, box: CardBox, corners: Point[]): boolean {
  if (!o) return false;
  const h = homographyFromPoints([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]], corners);
  for (let i = 0; i <= 40; i++) for (let j = 0; j <= 8; j++) {
    const [x, y] = applyHomography(h, box.x + (box.w * i) / 40, box.y + (box.h * j) / 8);
    if (occluderRadius2(o, x, y) <= 1) return true;
  }
  return false;
}

/** A fingertip or object over part of the card near one of its corners. */
function applyOcclusion(img: RawImage, corners: Point[], rng: Rng): Occluder {
  const i = rng.int(0, 3);
  const [px, py] = corners[i];
  const cardW = Math.hypot(corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]);
  const rx = rng.range(0.06, 0.16) * cardW;
  const ry = rx * rng.range(1.3, 2.2);
  const ang = rng.range(0, Math.PI);
  const col = rng.chance(0.6) ? [rng.range(190, 235), rng.range(140, 180), rng.range(110, 150)] : [rng.range(0, 255), rng.range(0, 255), rng.range(0, 255)];
  const occluder: Occluder = { cx: px, cy: py, rx, ry, ang };
  const ext = Math.ceil(ry);
  for (let y = Math.max(0, Math.floor(py - ext)); y < Math.min(img.height, py + ext); y++) {
    for (let x = Math.max(0, Math.floor(px - ext)); x < Math.min(img.width, px + ext); x++) {
      const r = occluderRadius2(occluder, x, y);
      if (r > 1) continue;
      const o = (y * img.width + x) * 3;
      const shade = 1 - 0.25 * r;
      for (let c = 0; c < 3; c++) img.data[o + c] = col[c] * shade;
    }
  }
  return occluder;
}

export async function renderPhoto(seed: number, index: number, opts: PhotoOptions): Promise<PhotoSample> {
  const rng = sampleRng(seed, index);
  const k = KNOBS[opts.difficulty];
  const cls = opts.balanced ? index % 24 : rng.int(0, 23);
  const carrier = CARRIERS[Math.floor(cls / DENOMINATIONS.length)];
  const denomination = DENOMINATIONS[cls % DENOMINATIONS.length];
  const spec = randomSpec(rng, carrier, denomination, opts.fonts ?? FONTS[opts.split], LAYOUTS[opts.split], PALETTE_STYLES[opts.split]);
  const card = renderCardSvg(spec, rng);
  const aspect = rng.pick([4 / 3, 4 / 3, 16 / 9, 1, 3 / 4]);
  const w = aspect >= 1 ? opts.longSide : Math.round(opts.longSide * aspect);
  const h = aspect >= 1 ? Math.round(opts.longSide / aspect) : opts.longSide;
  const corners = placeCard(rng, k, w, h);
  const cardPx = Math.min(CARD_W * 1.5, Math.max(160, Math.round(Math.hypot(corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]) * 1.3)));
  const cardRaw = await svgToRaw(card.svg, cardPx, Math.round(cardPx * CARD_H / CARD_W), true);
  const bg = await svgToRaw(backgroundSvg(rng.pick(BACKGROUNDS[opts.split]), w, h, rng, FONTS[opts.split]), w, h, false);
  compositeWarped(bg, cardRaw, corners);
  applyLighting(bg, rng, k);
  const occluder = rng.chance(k.occl) ? applyOcclusion(bg, corners, rng) : null;
  const noise = rng.range(0, k.noise);
  if (noise > 0.5) for (let i = 0; i < bg.data.length; i++) bg.data[i] = Math.max(0, Math.min(255, bg.data[i] + rng.gauss() * noise));
  // Blur is relative to the photo size: a 1600-px phone photo blurred by 2 px is still sharp.
  const blur = rng.range(0, k.blur) * (opts.longSide / 1000);
  let img = sharp(Buffer.from(bg.data.buffer, bg.data.byteOffset, bg.data.length), { raw: { width: w, height: h, channels: 3 } });
  if (blur > 0.35) img = img.blur(blur);
  const image = await img.jpeg({ quality: rng.int(k.qLo, k.qHi) }).toBuffer();
  return {
    image, spec, corners, width: w, height: h, serialBox: card.serialBox, pinBox: card.pinBox, valueBoxes: card.valueBoxes,
    pinOccluded: boxOccluded(occluder, card.pinBox, corners), serialOccluded: boxOccluded(occluder, card.serialBox, corners),
  };
}
