/**
 * Training lines for the value reader (src/recognition/value-reader.ts), cut the way serving cuts
 * them: the big print's line (the printed face value, found by the line finder like every other
 * line) is cut as a reader patch labelled with the face value's digits; the unit beside it ("元",
 * "RMB") is in the patch and is read as nothing. Up to OTHER_TALL_LINES other lines of big-print
 * height on the card (a logo, the carrier's name, a decoration) are kept with an empty label:
 * serving reads every tall line on the card. A line that breaks the big print into pieces is left
 * out (part of the digits would be named for the whole).
 */
import type { CardBox } from './card-design.js';
import { isValueLine } from '../../src/recognition/value-reader.js';
import { readerPatch } from '../../src/recognition/reader-patch.js';
import type { CutLine, HarvestedLine } from './harvest-lines.js';
import { cardEnds, nearBox, onCardEnds, spanOf, type LabelledCard, type Span } from './line-frame.js';

/** Tall lines with nothing to read kept a photo. */
export const OTHER_TALL_LINES = 2;
/** A big-print digit is this share of the font size wide or more (a narrow serif "1" aside)... */
const MIN_DIGIT_WIDTH = 0.4;
/** ...and a whole big print (its unit too) at most a font size a digit and one more. */
const MAX_DIGIT_WIDTH = 1;

/**
 * Whether a line with this span is the whole big print of a `digits`-digit face value in `box`
 * (card-design.ts valueBoxes[0], sized for digits 0.65 of the font size wide: bold and wide fonts
 * reach a font size past it).
 */
function coversValue({ left, right, midY }: Span, box: CardBox, digits: number): boolean {
  const size = box.h / 0.9;
  const width = right - left;
  return midY >= box.y && midY <= box.y + box.h && left >= box.x - size && right <= box.x + box.w + size
    && width >= MIN_DIGIT_WIDTH * digits * size && width <= MAX_DIGIT_WIDTH * (digits + 1) * size;
}

/** The big print of a photo's card labelled with its face value, and up to OTHER_TALL_LINES other tall lines labelled as nothing. */
export function cutValueLines({ p, prepared, toCard }: LabelledCard, photo: number): CutLine[] {
  const label = String(p.spec.denomination);
  const big = p.valueBoxes[0];
  const out: CutLine[] = [];
  let others = 0;
  for (const l of prepared.lines.filter((x) => isValueLine(x, prepared.card.cardHeight))) {
    const ends = cardEnds(prepared.card, toCard, l);
    const span = spanOf(ends);
    let field: HarvestedLine['field'] | null = null;
    if (coversValue(span, big, label.length)) field = 'value';
    else if (onCardEnds(ends) && !p.valueBoxes.some((b) => nearBox(span, b, 10)) && others < OTHER_TALL_LINES) { field = 'tall'; others++; }
    if (!field) continue;
    const patch = readerPatch(prepared.card.gray, l);
    out.push({ line: { width: patch.width, label: field === 'value' ? label : '', photo, field }, data: patch.data });
  }
  return out;
}
