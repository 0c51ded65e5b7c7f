/**
 * Finds the card from its printed numbers instead of the classifier's corners, which are far off
 * on some hard photos (a card cut in half by the crop, or a crop on the background). The card
 * number and the PIN are long chains of dark digits on light panels, which little else in a photo
 * is: the longest such chains give the card's place and, from the digit height, its size.
 */
import { warpGray, type Gray } from './deskew.js';
import { components, inkMasks, linkLines, type Box, type TextLine } from './text-lines.js';

/** Long side of the image the chains are searched in (digits ~8-22 px; a small card is searched again at full size). */
const SEARCH_PX = 900;
/** Fewest glyph components for a chain to count as a card number or PIN (blur merges a few). */
const MIN_DIGITS = 10;
/** Largest digit height over card height (36-unit digits, caps ~0.73 of that, on a 540-unit card). */
const MAX_DIGIT_OVER_CARD = 0.049;
/** Card height over width (ISO ID-1). */
export const CARD_ASPECT = 0.63;
/** How much wider than the photo's long side a card may be (part of it out of frame). */
const MAX_CARD_OVER_PHOTO = 1.3;
/** Digit height over card height: digits are printed 24-36 units tall on a 540-unit card, caps ~0.73 of that. */
const DIGIT_OVER_CARD = 0.042;

/** The card height a number line's digit height implies (up to ~1/4 short for small print). */
export const cardHeightOfDigits = (digitHeight: number): number => digitHeight / DIGIT_OVER_CARD;

export interface NumberLines {
  /** Bounding box of the number chains, in `grey` pixels. */
  box: Box;
  /** Median digit height in `grey` pixels. */
  glyphHeight: number;
  chains: number;
}

/** Searched at SEARCH_PX first; a small card's digits can merge there, so then at full size. */
export function locateNumberLines(grey: Gray): NumberLines | null {
  const s = Math.min(1, SEARCH_PX / Math.max(grey.width, grey.height));
  return searchAt(grey, s, isLongChain) ?? (s < 1 ? searchAt(grey, 1, isLongChain) : null);
}

const isLongChain = (l: TextLine) => l.count >= MIN_DIGITS;
/** Fewest parts, and least width in glyph heights, of a number chain whose digits blur merged into groups (15-19 digits, ~0.6 glyph heights each). */
const MERGED_MIN_PARTS = 5;
const MERGED_MIN_WIDTH = 9;
export const isMergedChain = (l: TextLine): boolean => l.count >= MERGED_MIN_PARTS && (l.x1 - l.x0 + 1) / l.glyphHeight >= MERGED_MIN_WIDTH;

/**
 * The number lines found at full size, blur-merged chains counting too: for a card the first
 * search placed badly (its reads left a number missing), at a cost only such photos pay.
 */
export function locateMergedNumberLines(grey: Gray): NumberLines | null {
  return searchAt(grey, 1, (l) => isLongChain(l) || isMergedChain(l));
}

function searchAt(grey: Gray, s: number, isNumberChain: (l: TextLine) => boolean): NumberLines | null {
  const w = Math.max(16, Math.round(grey.width * s)); const h = Math.max(16, Math.round(grey.height * s));
  const g = s < 1 ? warpGray(grey, [[0, 0], [grey.width - 1, 0], [grey.width - 1, grey.height - 1], [0, grey.height - 1]], w, h) : grey;
  const masks = inkMasks(g, 31, 10);
  // The photo is not deskewed yet: neighbouring digits of a line tilted by 20-30° overlap by only about half.
  // The card holds the chain and (mostly) fits in the photo: a chain of glyphs so tall that even
  // the smallest card printing them could not fit is background (a checkerboard's squares).
  const longSide = Math.max(w, h);
  const chains = linkLines(components(masks.dark, w, h), false, 6, 50, 0.35)
    .filter((l) => isNumberChain(l) && (l.glyphHeight / MAX_DIGIT_OVER_CARD) / CARD_ASPECT <= MAX_CARD_OVER_PHOTO * longSide);
  if (chains.length === 0) return null;
  chains.sort((a, b) => b.count - a.count);
  // The card number and the PIN have about the same digit height and sit within a card height of each other.
  const top = chains[0];
  const near = chains.filter((c) => c.glyphHeight > 0.7 * top.glyphHeight && c.glyphHeight < 1.4 * top.glyphHeight
    && Math.abs((c.y0 + c.y1) / 2 - (top.y0 + top.y1) / 2) < cardHeightOfDigits(top.glyphHeight) * 0.8).slice(0, 2);
  const gh = near.map((c) => c.glyphHeight).sort((a, b) => a - b)[near.length - 1];
  const box = {
    x0: Math.min(...near.map((c) => c.x0)) / s, y0: Math.min(...near.map((c) => c.y0)) / s,
    x1: Math.max(...near.map((c) => c.x1)) / s, y1: Math.max(...near.map((c) => c.y1)) / s,
  };
  return { box, glyphHeight: gh / s, chains: near.length };
}
