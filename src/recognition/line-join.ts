/**
 * A number line the line finder broke apart: faint or merged digits in the middle of a card
 * number or PIN drop out of the glyph chain, which then ends there, and the rest is found as
 * separate short pieces ("84" … "3501 2619 3178 4": a PIN read 13 digits long). The pieces sit on
 * the number line's baseline, at its glyph height, a few glyphs away: the line's box is widened
 * over them, so a re-read sees the whole printed number, faint digits included.
 */
import type { TextLine } from './text-lines.js';

/** Widest gap, in glyph heights, between a number line and a piece of it (about two missing digits and a group space). */
const MAX_GAP = 4.5;
/** A piece's glyph height within this share of the line's. */
const HEIGHT_TOLERANCE = 0.25;
/** A piece's centre within this many glyph heights of the line's baseline carried on (its slope). */
const OFF_LINE = 0.5;

const centreY = (l: TextLine) => (l.y0 + l.y1) / 2;
const centreX = (l: TextLine) => (l.x0 + l.x1) / 2;

/** `line` widened over the pieces of `all` that continue it to the left or right (chained: a piece can continue a piece). */
export function joinedLine(line: TextLine, all: TextLine[]): TextLine {
  const gh = line.glyphHeight;
  const onLine = (p: TextLine) => Math.abs(p.glyphHeight / gh - 1) <= HEIGHT_TOLERANCE
    && Math.abs(centreY(p) - (centreY(line) + line.slope * (centreX(p) - centreX(line)))) <= OFF_LINE * gh;
  let joined = line;
  const left = new Set(all.filter((p) => p !== line && onLine(p)));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of left) {
      const gap = Math.max(p.x0 - joined.x1, joined.x0 - p.x1);
      if (gap < -0.5 * gh || gap > MAX_GAP * gh) continue;
      joined = { ...joined, x0: Math.min(joined.x0, p.x0), x1: Math.max(joined.x1, p.x1), y0: Math.min(joined.y0, p.y0), y1: Math.max(joined.y1, p.y1), count: joined.count + p.count };
      left.delete(p);
      grew = true;
    }
  }
  return joined;
}
