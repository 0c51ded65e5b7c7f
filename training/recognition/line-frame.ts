/**
 * Where a line the served line finder found lies on the generated card: its ends in card units
 * (the generator's frame, card-design.ts), for labelling it from the boxes the generator printed.
 */
import { CARD_H, CARD_W, type CardBox } from './card-design.js';
import type { PhotoSample } from './photo.js';
import type { PreparedCard, UprightCard } from '../../src/recognition/ocr-card.js';
import type { TextLine } from '../../src/recognition/text-lines.js';
import { applyHomography, homographyFromPoints, type Point } from '../../src/recognition/geometry.js';

/** Both ends on the card. */
export const onCardEnds = (ends: [Point, Point]): boolean => ends.every(([x, y]) => x >= 0 && x <= CARD_W && y >= 0 && y <= CARD_H);

/** Photo pixels of a decoded photo `width` wide → card units (decodeImage may shrink the photo: the generator's corners are in its own pixels). */
export function cardFrame(p: PhotoSample, width: number): Float64Array {
  const k = width / p.width;
  return homographyFromPoints(p.corners.map(([x, y]): Point => [x * k, y * k]), [[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]]);
}

/** The line's two ends in card units (the generator's frame). */
export function cardEnds(card: UprightCard, toCard: Float64Array, l: TextLine): [Point, Point] {
  const xc = (l.x0 + l.x1) / 2; const yc = (l.y0 + l.y1) / 2;
  const end = (x: number): Point => { const [px, py] = card.toPhoto(x, yc + l.slope * (x - xc)); return applyHomography(toCard, px, py); };
  return [end(l.x0), end(l.x1)];
}

/** Whether a line with this span comes near `box` (grown by `margin` card units each way). */
export function nearBox({ left, right, midY }: Span, box: CardBox, margin: number): boolean {
  return right >= box.x - margin && left <= box.x + box.w + margin && midY >= box.y - margin && midY <= box.y + box.h + margin;
}

/** A line's horizontal reach and the height of its middle, in card units. */
export interface Span { left: number; right: number; midY: number }
export const spanOf = ([a, b]: [Point, Point]): Span => ({ left: Math.min(a[0], b[0]), right: Math.max(a[0], b[0]), midY: (a[1] + b[1]) / 2 });

/** A generated photo's card as serving prepares it, and the map from its photo pixels to card units (harvest-lines.ts preparePhoto). */
export interface LabelledCard { p: PhotoSample; prepared: PreparedCard; toCard: Float64Array }
