/**
 * OCR of a card photo: the classifier's corners give only the card's rough place and size; the
 * rotation comes from the image itself (deskew.ts), lines are found classically (text-lines.ts)
 * and read all at once from a stack of clean line patches (line-stack.ts).
 */
import sharp from 'sharp';
import type { Point, RawImage } from './geometry.js';
import { lightness, textAngle, warpGray, type Gray } from './deskew.js';
import { findTextLines, type TextLine } from './text-lines.js';
import { DEFAULT_STYLE, stackLines, type LineStack, type StackStyle } from './line-stack.js';
import type { OcrLine, OcrPool } from './ocr-pool.js';

/** The predicted quad is a few percent off: look a bit beyond it. */
const QUAD_GROW = 1.3;
/** The card is resampled so its width is about this many pixels (serial digits ~30 px tall). */
const CARD_PX = 1100;
const MAX_LINES = 40;

export interface CardLine extends OcrLine {
  /** Glyph height relative to the card height (about 0.05 for a card number, 0.2 for the face value). */
  relHeight: number;
  /** Whether the line's centre lies inside the predicted card. */
  onCard: boolean;
}

export interface UprightCard { gray: Gray; cardHeight: number; angle: number; onCard: (x: number, y: number) => boolean }

/** Card width in pixels of the image the rotation is estimated on (digits ~15 px: cheap, still legible). */
const ANGLE_CARD_PX = 560;

function regionAngle(grey: Gray, x0: number, y0: number, x1: number, y1: number, q: Point[]): number {
  const bx0 = Math.max(0, x0); const by0 = Math.max(0, y0);
  const bx1 = Math.min(grey.width - 1, x1); const by1 = Math.min(grey.height - 1, y1);
  const cardW = Math.max(Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]), Math.hypot(q[2][0] - q[3][0], q[2][1] - q[3][1]));
  const s = Math.min(1, ANGLE_CARD_PX / Math.max(1, cardW));
  const w = Math.max(16, Math.round((bx1 - bx0) * s)); const h = Math.max(16, Math.round((by1 - by0) * s));
  const region = warpGray(grey, [[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], w, h);
  const cardH = cardW * s * 0.63;
  return textAngle(region, Math.max(5, 0.025 * cardH), 0.35 * cardH) ?? 0;
}

/** Upright grey crop around the card; `quad` in image pixels (TL, TR, BR, BL), or null for the whole photo. */
export function uprightCard(img: RawImage, quad: Point[] | null): UprightCard {
  const grey = lightness(img);
  const q = quad ?? [[0, 0], [img.width - 1, 0], [img.width - 1, img.height - 1], [0, img.height - 1]];
  const cx = q.reduce((a, p) => a + p[0], 0) / 4;
  const cy = q.reduce((a, p) => a + p[1], 0) / 4;
  const grow = quad ? QUAD_GROW : 1;
  const xs = q.map((p) => cx + (p[0] - cx) * grow);
  const ys = q.map((p) => cy + (p[1] - cy) * grow);
  const angle = regionAngle(grey, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), q);
  const t = (angle * Math.PI) / 180;
  const u: Point = [Math.cos(t), Math.sin(t)];
  const v: Point = [-Math.sin(t), Math.cos(t)];
  const rel = q.map(([x, y]) => [(x - cx) * u[0] + (y - cy) * u[1], (x - cx) * v[0] + (y - cy) * v[1]]);
  const halfW = Math.max(...rel.map((r) => Math.abs(r[0])));
  const halfH = Math.max(...rel.map((r) => Math.abs(r[1])));
  const A = halfW * grow; const B = halfH * grow;
  const s = Math.min(2, Math.max(0.5, CARD_PX / (2 * halfW)));
  const W = Math.max(32, Math.round(2 * A * s));
  const H = Math.max(32, Math.round(2 * B * s));
  const at = (a: number, b: number): Point => [cx + a * u[0] + b * v[0], cy + a * u[1] + b * v[1]];
  const gray = warpGray(grey, [at(-A, -B), at(A, -B), at(A, B), at(-A, B)], W, H);
  // In crop pixels the card spans about ±halfW·s, ±halfH·s around the centre.
  const onCard = (x: number, y: number) => Math.abs(x - W / 2) <= halfW * s && Math.abs(y - H / 2) <= halfH * s;
  return { gray, cardHeight: 2 * halfH * s, angle, onCard };
}

/** Text lines worth reading: glyph-sized, at most MAX_LINES, the ones with most glyph area first. */
export function cardLines(card: UprightCard): TextLine[] {
  // The predicted card size can be off by a third: be generous at the small end.
  const minH = Math.max(8, 0.018 * card.cardHeight);
  const lines = findTextLines(card.gray, card.cardHeight, minH);
  return lines.sort((a, b) => b.glyphHeight * b.count - a.glyphHeight * a.count).slice(0, MAX_LINES)
    .sort((a, b) => a.y0 - b.y0);
}

/** Maps the OCR page's lines back to the stacked rows they came from. */
export function rowsFromOcr(stack: LineStack, ocr: OcrLine[], card: UprightCard): CardLine[] {
  const byRow = new Map<number, OcrLine[]>();
  for (const l of ocr) {
    if (!l.bbox) continue;
    const yc = (l.bbox.y0 + l.bbox.y1) / 2;
    const r = stack.rows.findIndex((row) => yc >= row.y0 - 12 && yc < row.y1 + 12);
    if (r >= 0) byRow.set(r, [...(byRow.get(r) ?? []), l]);
  }
  const out: CardLine[] = [];
  for (const [r, ls] of byRow) {
    const row = stack.rows[r].line;
    ls.sort((a, b) => (a.bbox?.x0 ?? 0) - (b.bbox?.x0 ?? 0));
    const relHeight = row.glyphHeight / card.cardHeight;
    const words = ls.flatMap((l) => l.words ?? []).map((w) => ({ ...w, height: relHeight * 100 }));
    out.push({
      text: ls.map((l) => l.text).join(' '), confidence: ls.reduce((a, l) => a + l.confidence, 0) / ls.length, words,
      relHeight, onCard: card.onCard((row.x0 + row.x1) / 2, (row.y0 + row.y1) / 2),
    });
  }
  return out;
}

/** Grey keeps the anti-aliasing (a blurred 8 vs 6 vs 0); black-and-white is cleaner under JPEG noise. */
export const GREY_STYLE: StackStyle = DEFAULT_STYLE;
export const BW_STYLE: StackStyle = { ...DEFAULT_STYLE, grey: false };

export interface PreparedCard { card: UprightCard; lines: TextLine[] }

export function prepareCard(img: RawImage, quad: Point[] | null): PreparedCard {
  const card = uprightCard(img, quad);
  return { card, lines: cardLines(card) };
}

/** One OCR call: every line of the card, drawn in `style`, read from one stacked page. */
export async function readCard(pool: OcrPool, p: PreparedCard, style: StackStyle): Promise<CardLine[]> {
  if (p.lines.length === 0) return [];
  const stack = stackLines(p.card.gray, p.lines, style);
  const png = await sharp(Buffer.from(stack.data), { raw: { width: stack.width, height: stack.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  return rowsFromOcr(stack, await pool.readLines(png, false), p.card);
}

/**
 * Reads the card in grey first; only when `settled` says that read left something open (no
 * card number, PIN or clear face value) is it read again in black-and-white, and the parsers
 * then vote over both reads, which fail on different images. Easy photos pay for one OCR call.
 */
export async function ocrCardLines(pool: OcrPool, img: RawImage, quad: Point[] | null, settled: (lines: CardLine[]) => boolean = () => false): Promise<CardLine[]> {
  const p = prepareCard(img, quad);
  const first = await readCard(pool, p, GREY_STYLE);
  if (p.lines.length === 0 || settled(first)) return first;
  return [...first, ...(await readCard(pool, p, BW_STYLE))];
}
