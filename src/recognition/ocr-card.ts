/**
 * OCR of a card photo: the classifier's corners give the card's rough place and size, checked
 * against the card's number lines found in the photo (number-locate.ts), which replace them when
 * they disagree; the rotation comes from the image itself (the number lines' digits, else
 * deskew.ts), lines are found classically (text-lines.ts) and read all at once from a stack of
 * clean line patches (line-stack.ts).
 */
import sharp from 'sharp';
import type { Point, RawImage } from './geometry.js';
import { lightness, textAngle, warpGray, type Gray } from './deskew.js';
import { findTextLines, isPanel, overlap, type TextLine } from './text-lines.js';
import { CARD_ASPECT, cardHeightOfDigits, locateMergedNumberLines, locateNumberLines, type NumberLines } from './number-locate.js';
import { DEFAULT_STYLE, stackLines, type LineStack, type StackStyle } from './line-stack.js';
import type { OcrLine, OcrPool } from './ocr-pool.js';
import { CARD_FORMATS } from './classes.js';
import { digitsOf } from './card-text.js';
import { correctZeros } from './zero-check.js';
import { checkDigits } from './digit-check.js';
import type { DigitNet } from './digit-net.js';
import { valueChainLine } from './value-line.js';
import { joinedLine } from './line-join.js';

/** The predicted quad is a few percent off: look a bit beyond it. */
const QUAD_GROW = 1.3;
/** When no number lines were found to check the predicted quad against, it is looked beyond further (it may be well off). */
const UNCHECKED_QUAD_GROW = 1.5;
/** The card is resampled so its width is about this many pixels (serial digits ~30 px tall: at ~25 px a blurred dotted 0 reads as 6 more often). */
const CARD_PX = 1100;
const MAX_LINES = 40;
const MAX_CROP_PX = 2_000_000;
/**
 * How far, in card sizes estimated from the digit height, a card cut from its number lines may
 * reach beyond them: small digits make the estimate up to ~1/4 short, and a face value printed
 * beside the numbers was cut off at 1.05 card widths (dev sets, sideways: 1.3 +3 face values, 1.5
 * −2 from 1.3; up and down, 1.3 instead of 1.1: +4 card numbers, +1 PIN).
 */
const REGION_REACH = 1.3;
/** How far, in card heights (and widths), the card reaches at least beyond its number lines: the face value can sit beside or below them. */
const NUMBERS_REACH = 0.45;

export interface CardLine extends OcrLine {
  /** Glyph height relative to the card height (about 0.05 for a card number, 0.2 for the face value). */
  relHeight: number;
  /** Whether the line's centre lies inside the predicted card. */
  onCard: boolean;
  /** Height of the line's centre on the upright crop, in card heights (which number line is above which). */
  yc: number;
  /** Index of the found text line (the grey and black-and-white reads of one row share it). */
  row: number;
  /** Glyph components found in the line, and its width in glyph heights (how many digits it can hold). */
  glyphs: number;
  aspect: number;
}

export interface UprightCard {
  gray: Gray; cardHeight: number; angle: number; onCard: (x: number, y: number) => boolean;
  /** A point of the upright crop in photo pixels (training labels lines from where the generator printed them). */
  toPhoto: (x: number, y: number) => Point;
}

/** Card width in pixels of the image the rotation is estimated on (digits ~15 px: cheap, still legible). */
const ANGLE_CARD_PX = 560;

function regionAngle(grey: Gray, x0: number, y0: number, x1: number, y1: number, q: Point[]): number {
  const bx0 = Math.max(0, x0); const by0 = Math.max(0, y0);
  const bx1 = Math.min(grey.width - 1, x1); const by1 = Math.min(grey.height - 1, y1);
  const cardW = Math.max(Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]), Math.hypot(q[2][0] - q[3][0], q[2][1] - q[3][1]));
  const s = Math.min(1, ANGLE_CARD_PX / Math.max(1, cardW));
  const w = Math.max(16, Math.round((bx1 - bx0) * s)); const h = Math.max(16, Math.round((by1 - by0) * s));
  const region = warpGray(grey, [[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], w, h);
  const cardH = cardW * s * CARD_ASPECT;
  // Too few single glyphs (a blurred card whose digits merged into groups): the groups vote.
  return textAngle(region, Math.max(5, 0.025 * cardH), 0.35 * cardH, 40, true) ?? 0;
}

/** Where to cut: the predicted quad, or a region found from the card's number lines when the two disagree. */
interface CutRegion { q: Point[]; grow: number; cardW: number | null; numbers: NumberLines | null }

const edge = (a: Point, b: Point) => Math.hypot(b[0] - a[0], b[1] - a[1]);

function cutRegion(grey: Gray, quad: Point[] | null): CutRegion {
  const whole: Point[] = [[0, 0], [grey.width - 1, 0], [grey.width - 1, grey.height - 1], [0, grey.height - 1]];
  const numbers = locateNumberLines(grey);
  if (!numbers) return { q: quad ?? whole, grow: quad ? UNCHECKED_QUAD_GROW : 1, cardW: null, numbers };
  const cardH = cardHeightOfDigits(numbers.glyphHeight);
  const cardW = cardH / CARD_ASPECT;
  if (quad) {
    // The card holds its numbers: they must lie inside the predicted quad (a little slack), not just its margin.
    const cx = quad.reduce((a, p) => a + p[0], 0) / 4; const cy = quad.reduce((a, p) => a + p[1], 0) / 4;
    const xs = quad.map((p) => cx + (p[0] - cx) * 1.1); const ys = quad.map((p) => cy + (p[1] - cy) * 1.1);
    const b = numbers.box;
    const inside = b.x0 >= Math.min(...xs) && b.x1 <= Math.max(...xs) && b.y0 >= Math.min(...ys) && b.y1 <= Math.max(...ys);
    const quadH = (edge(quad[0], quad[3]) + edge(quad[1], quad[2])) / 2;
    if (inside && quadH > 0.6 * cardH && quadH < 1.6 * cardH) return { q: quad, grow: QUAD_GROW, cardW: null, numbers };
  }
  return regionOfNumbers(grey, numbers);
}

/** The region a card holding `numbers` can lie in: it reaches at most a card size (plus a little for rotation, and for digits smaller than cardHeightOfDigits assumes) beyond them. */
function regionOfNumbers(grey: Gray, numbers: NumberLines): CutRegion {
  const cardH = cardHeightOfDigits(numbers.glyphHeight);
  const cardW = cardH / CARD_ASPECT;
  const b = numbers.box;
  const x0 = Math.max(0, b.x1 - REGION_REACH * cardW); const x1 = Math.min(grey.width - 1, b.x0 + REGION_REACH * cardW);
  const y0 = Math.max(0, b.y1 - REGION_REACH * cardH); const y1 = Math.min(grey.height - 1, b.y0 + REGION_REACH * cardH);
  return { q: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], grow: 1, cardW, numbers };
}

/** Text angle measured on the digits of the number lines only (at most ~20 px tall for speed). */
function numbersAngle(grey: Gray, n: NumberLines): number | null {
  const gh = n.glyphHeight; const pad = 2 * gh;
  const x0 = Math.max(0, n.box.x0 - pad); const y0 = Math.max(0, n.box.y0 - pad);
  const x1 = Math.min(grey.width - 1, n.box.x1 + pad); const y1 = Math.min(grey.height - 1, n.box.y1 + pad);
  const s = Math.min(1, 20 / gh);
  const region = warpGray(grey, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], Math.max(16, Math.round((x1 - x0) * s)), Math.max(16, Math.round((y1 - y0) * s)));
  return textAngle(region, 0.6 * gh * s, 1.5 * gh * s);
}

/** The photo's lightness and where on it the card is: measured once a photo, reused when the card is cut level again. */
export interface CardSite { grey: Gray; region: CutRegion }

export function locateCard(img: RawImage, quad: Point[] | null): CardSite {
  const grey = lightness(img);
  return { grey, region: cutRegion(grey, quad) };
}

/**
 * Upright grey crop around the card; `quad` in image pixels (TL, TR, BR, BL), or null for the whole
 * photo. `knownAngle`: the text's rotation when already known (straightenedCard), else measured here.
 */
export function uprightCard(img: RawImage, quad: Point[] | null, knownAngle?: number): UprightCard {
  return cutUpright(locateCard(img, quad), knownAngle);
}

function cutUpright(site: CardSite, knownAngle?: number): UprightCard {
  const { grey, region: { q, grow, cardW, numbers } } = site;
  const cx = q.reduce((a, p) => a + p[0], 0) / 4;
  const cy = q.reduce((a, p) => a + p[1], 0) / 4;
  const xs = q.map((p) => cx + (p[0] - cx) * grow);
  const ys = q.map((p) => cy + (p[1] - cy) * grow);
  // The angle is measured on card-sized text: a region cut from the numbers gives its card width.
  const angleQuad: Point[] = cardW ? [[0, 0], [cardW, 0], [cardW, cardW * CARD_ASPECT], [0, cardW * CARD_ASPECT]] : q;
  // The number lines' own digits measure the rotation best: many, evenly spaced, of a known height.
  const angle = knownAngle ?? (numbers ? numbersAngle(grey, numbers) : null)
    ?? regionAngle(grey, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), angleQuad);
  const t = (angle * Math.PI) / 180;
  const u: Point = [Math.cos(t), Math.sin(t)];
  const v: Point = [-Math.sin(t), Math.cos(t)];
  // Photo point → (along the text, across it) around the quad's centre.
  const toFrame = ([x, y]: Point): Point => [(x - cx) * u[0] + (y - cy) * u[1], (x - cx) * v[0] + (y - cy) * v[1]];
  const rel = q.map(toFrame);
  const halfW = Math.max(...rel.map((r) => Math.abs(r[0])));
  const halfH = Math.max(...rel.map((r) => Math.abs(r[1])));
  // The card: the quad, reaching at least NUMBERS_REACH beyond the number lines it holds (the
  // predicted quad can sit half a card off them), in the rotated frame around the quad's centre.
  let card = { a0: -halfW, a1: halfW, b0: -halfH, b1: halfH };
  if (numbers && cardW === null) {
    const cardH = cardHeightOfDigits(numbers.glyphHeight);
    const b = numbers.box;
    const nrel = ([[b.x0, b.y0], [b.x1, b.y0], [b.x1, b.y1], [b.x0, b.y1]] as Point[]).map(toFrame);
    const mx = NUMBERS_REACH * cardH / CARD_ASPECT; const my = NUMBERS_REACH * cardH;
    card = {
      a0: Math.min(card.a0, ...nrel.map((r) => r[0] - mx)), a1: Math.max(card.a1, ...nrel.map((r) => r[0] + mx)),
      b0: Math.min(card.b0, ...nrel.map((r) => r[1] - my)), b1: Math.max(card.b1, ...nrel.map((r) => r[1] + my)),
    };
  }
  // The crop: the quad grown by `grow`, and all of the card.
  const a0 = Math.min(-halfW * grow, card.a0); const a1 = Math.max(halfW * grow, card.a1);
  const b0 = Math.min(-halfH * grow, card.b0); const b1 = Math.max(halfH * grow, card.b1);
  const cardWidth = cardW ?? 2 * halfW;
  // A region cut from the numbers is up to twice the card each way: cap its pixels (line finding time).
  const s = Math.min(2, Math.max(0.5, CARD_PX / cardWidth), Math.sqrt(MAX_CROP_PX / ((a1 - a0) * (b1 - b0))));
  const W = Math.max(32, Math.round((a1 - a0) * s));
  const H = Math.max(32, Math.round((b1 - b0) * s));
  const at = (a: number, b: number): Point => [cx + a * u[0] + b * v[0], cy + a * u[1] + b * v[1]];
  const gray = warpGray(grey, [at(a0, b0), at(a1, b0), at(a1, b1), at(a0, b1)], W, H);
  // A region cut from the numbers is all card as far as we know.
  const onCard = (x: number, y: number) => {
    const a = x / s + a0; const b = y / s + b0;
    return cardW !== null || (a >= card.a0 && a <= card.a1 && b >= card.b0 && b <= card.b1);
  };
  const toPhoto = (x: number, y: number) => at(x / s + a0, y / s + b0);
  return { gray, cardHeight: cardW ? cardW * CARD_ASPECT * s : 2 * halfH * s, angle, onCard, toPhoto };
}

/** Text lines worth reading: glyph-sized chains or panels, at most MAX_LINES, the ones with most glyph area first. */
export function cardLines(card: UprightCard): TextLine[] {
  // The predicted card size can be off by a third: be generous at the small end.
  const minH = Math.max(8, 0.018 * card.cardHeight);
  // A lone blob that is not a number panel never read as anything useful on the development set
  // (0 of ~600), but costs OCR time.
  const lines = findTextLines(card.gray, card.cardHeight, minH).filter((l) => l.count > 1 || isPanel(l.count, l.fill));
  return lines.sort((a, b) => b.glyphHeight * b.count - a.glyphHeight * a.count).slice(0, MAX_LINES)
    .sort((a, b) => a.y0 - b.y0);
}

/** Where a read line sits on the card: its text line `line`, found as row `row` of the card's lines (tesseract's reads and both readers' share it). */
export function placeOnCard(card: UprightCard, line: TextLine, row: number): Pick<CardLine, 'relHeight' | 'onCard' | 'yc' | 'row' | 'glyphs' | 'aspect'> {
  return {
    relHeight: line.glyphHeight / card.cardHeight, onCard: card.onCard((line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2), yc: (line.y0 + line.y1) / 2 / card.cardHeight,
    row, glyphs: line.count, aspect: (line.x1 - line.x0 + 1) / line.glyphHeight,
  };
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
    const place = placeOnCard(card, row, r);
    const words = ls.flatMap((l) => l.words ?? []).map((w) => ({ ...w, height: place.relHeight * 100 }));
    out.push({ text: ls.map((l) => l.text).join(' '), confidence: ls.reduce((a, l) => a + l.confidence, 0) / ls.length, words, ...place });
  }
  return out;
}

/** Grey keeps the anti-aliasing (a blurred 8 vs 6 vs 0); black-and-white is cleaner under JPEG noise. */
export const GREY_STYLE: StackStyle = DEFAULT_STYLE;
export const BW_STYLE: StackStyle = { ...DEFAULT_STYLE, grey: false };

/**
 * `digitNet`: the second opinion on number lines' digits (digit-check.ts), when the model has one;
 * `site`: where the card was found on the photo, for cutting it level again (straightenedCard).
 */
export interface PreparedCard { card: UprightCard; lines: TextLine[]; digitNet?: DigitNet | null; site?: CardSite }

export function prepareCard(img: RawImage, quad: Point[] | null): PreparedCard {
  const site = locateCard(img, quad);
  const card = cutUpright(site);
  return { card, lines: cardLines(card), site };
}

/** Lines of at least this many glyphs measure what rotation the upright card has left (card numbers, PINs, long print). */
const SKEW_LINE_GLYPHS = 8;
/**
 * Residual rotation, in degrees, worth a second upright card. Only photos still missing a number
 * pay for it, and their level read must win (read-checks.ts levelReadWins). Dev sets 1–4 (seeds
 * 700010–700040): at 2°, 3 card numbers and 1 PIN gained; at 1.2°, 2 PINs more; at 0.7°, 1 more; none lost.
 */
const RESIDUAL_SKEW_DEG = 0.7;

/**
 * The card cut upright once more when its long lines still slope (their median baseline slope at
 * least RESIDUAL_SKEW_DEG): the first angle was measured on other print or under perspective, and
 * tilted number lines merge with their labels or break into pieces. Null when the card is level
 * or has no long line to tell.
 */
export function straightenedCard(img: RawImage, quad: Point[] | null, p: PreparedCard): PreparedCard | null {
  const slopes = p.lines.filter((l) => l.count >= SKEW_LINE_GLYPHS).map((l) => (Math.atan(l.slope) * 180) / Math.PI).sort((a, b) => a - b);
  if (slopes.length === 0) return null;
  const residual = slopes[Math.floor(slopes.length / 2)];
  if (Math.abs(residual) < RESIDUAL_SKEW_DEG) return null;
  // A baseline sloping down to the right (dy/dx > 0) is text turned further clockwise than measured.
  const card = cutUpright(p.site ?? locateCard(img, quad), p.card.angle + residual);
  return { ...p, card, lines: cardLines(card) };
}

/**
 * How much of the number lines a full-size search finds may lie inside those the first search
 * found for them to be other lines (intersection over the smaller box).
 */
const SAME_NUMBERS = 0.3;

/**
 * The card cut once more from its number lines alone. When the first cut trusted the predicted
 * quad: the numbers it found (the quad can be twice the card, which then comes out half size,
 * its digits under the line finder's least height), else the blur-merged chains a full-size
 * search finds (number-locate.ts locateMergedNumberLines). When the first cut came from number
 * lines (locateNumberLines: at the reduced size, or at full size when it found none there): the
 * full-size search's, merged chains counting, when they lie elsewhere. At the reduced size a
 * title of many-part characters (中国移动: each radical a component) can outnumber a number
 * whose digits merged there, and the card was cut around the title at its size.
 * Null when there is nothing new to cut.
 * The recognizer asks for it when no card number was read, and when no PIN was on an oversized
 * cut (oversizedCut; a missing PIN is mostly a covered one). Six development sets (1,800 photos),
 * with read-checks.ts levelReadWins keeping a number found inside a longer one: 1 face value, 3
 * card numbers and 4 revealed PINs gained, none lost. The full-size search after a reduced one's
 * cut, seven sets (2,100 photos): 1 face value, 2 card numbers and 1 revealed PIN gained, none lost.
 */
export function relocatedCard(img: RawImage, quad: Point[] | null, p: PreparedCard): PreparedCard | null {
  const site = p.site ?? locateCard(img, quad);
  const first = site.region.numbers;
  const numbers = site.region.cardW === null ? first ?? locateMergedNumberLines(site.grey) : elsewhere(locateMergedNumberLines(site.grey), first);
  if (!numbers) return null;
  const moved: CardSite = { grey: site.grey, region: regionOfNumbers(site.grey, numbers) };
  const card = cutUpright(moved);
  return { ...p, site: moved, card, lines: cardLines(card) };
}

/**
 * How many times the card its number lines' digits imply (cardHeightOfDigits) a card cut around
 * the predicted quad may be tall before a missing PIN is looked for on a cut from the number
 * lines. Digits stand 0.032–0.049 of a card tall (number-locate.ts); in a cut 1.5 times the card,
 * 0.022–0.032 of it, small print within a fifth of the line finder's least glyph height (cardLines:
 * 0.018 of the card), and blur or a thin font drops digits under it: the PIN's chain breaks up and
 * is never read. Six hard development sets (1,800 photos): 86 of the 448 photos with a card number
 * read and no PIN were cut that large; the recognizer's use of it gained 3 revealed PINs on seven
 * development sets (2,100 photos) and changed nothing else.
 */
const OVERSIZED_CUT = 1.5;

/** Whether the card was cut around the predicted quad at OVERSIZED_CUT times the card its number lines imply, or more. */
export function oversizedCut(p: PreparedCard): boolean {
  const region = p.site?.region;
  if (!region || region.cardW !== null || !region.numbers) return false;
  // The cut's card height in photo pixels: crop pixels times photo pixels per crop pixel.
  const [a, b] = [p.card.toPhoto(0, 0), p.card.toPhoto(0, 1)];
  const photoHeight = p.card.cardHeight * Math.hypot(b[0] - a[0], b[1] - a[1]);
  return photoHeight >= OVERSIZED_CUT * cardHeightOfDigits(region.numbers.glyphHeight);
}

/** `found`, unless it lies where the number lines `first` are (nothing new to cut). */
const elsewhere = (found: NumberLines | null, first: NumberLines | null): NumberLines | null =>
  found && (!first || overlap(found.box, first.box) <= SAME_NUMBERS) ? found : null;

/**
 * The stacked page of the card's lines drawn in `style`, and tesseract's lines of it after the zero
 * check (before the digit check, whose training glyphs are cut from these reads).
 */
export async function readPage(pool: OcrPool, p: PreparedCard, style: StackStyle): Promise<{ stack: LineStack; lines: OcrLine[] }> {
  const stack = stackLines(p.card.gray, p.lines, style);
  const png = await sharp(Buffer.from(stack.data), { raw: { width: stack.width, height: stack.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  // The stack is the page tesseract read: the zero check looks at its glyphs.
  return { stack, lines: correctZeros(await pool.readLines(png, false), stack) };
}

/** One OCR call: every line of the card, drawn in `style`, read from one stacked page, its number lines' digits checked. */
export async function readCard(pool: OcrPool, p: PreparedCard, style: StackStyle): Promise<CardLine[]> {
  if (p.lines.length === 0) return [];
  const { stack, lines } = await readPage(pool, p, style);
  return rowsFromOcr(stack, checkDigits(lines, stack, p.digitNet ?? null), p.card);
}

/** What the caller's parsers say of the reads so far: each decides whether another OCR call is made. */
export interface ReadChecks {
  /** The first read is enough (default: never). */
  settled?: (lines: CardLine[]) => boolean;
  /** Some carrier has both its numbers (default: always). */
  complete?: (lines: CardLine[]) => boolean;
  /** Some read named a face value (default: always). */
  faceValueRead?: (lines: CardLine[]) => boolean;
  /** Rows of a PIN whose readings still disagree after the second read (default: none). */
  contestedPin?: (lines: CardLine[]) => number[];
  /** Rows of a big print read one zero shorter than another row's face value (default: none). */
  shortValue?: (lines: CardLine[]) => number[];
}

/**
 * Reads the card in grey first; only when `settled` says that read left something open (no
 * card number, PIN or clear face value) is it read again in black-and-white, and the parsers
 * then vote over both reads, which fail on different images; number lines neither read gave a
 * number-length string for are then read once more, alone and larger (rereadNumberLines), and so
 * are the rows of a PIN whose readings still disagree (`contestedPin`). When
 * still no carrier has both its card number and PIN (`complete`), the number lines are read once
 * more with wide side margins (rereadWide). A big print read one zero shorter than another row's
 * face value (`shortValue`) is read once more, wider (rereadValueWider), on the first read too.
 * When no read named a face value (`faceValueRead`), the big print as the value-patch finder sees
 * it is read alone (readValueChain). Easy photos pay for one OCR call.
 */
export async function ocrCardLines(pool: OcrPool, p: PreparedCard, checks: ReadChecks = {}): Promise<CardLine[]> {
  const { settled = () => false, complete = () => true, faceValueRead = () => true, contestedPin = () => [], shortValue = () => [] } = checks;
  const first = await readCard(pool, p, GREY_STYLE);
  if (p.lines.length === 0) return first;
  if (settled(first)) return [...first, ...(await rereadValueWider(pool, p, shortValue(first)))];
  const both = [...first, ...(await readCard(pool, p, BW_STYLE))];
  let all = [...both, ...(await rereadNumberLines(pool, p, both))];
  // A PIN still read two ways: its rows once more, larger, break the tie.
  all = [...all, ...(await readRows(pool, p, contestedPin(all), REREAD_STYLE))];
  if (!complete(all)) all = [...all, ...(await rereadWide(pool, p))];
  all = [...all, ...(await rereadValueWider(pool, p, shortValue(all)))];
  return faceValueRead(all) ? all : [...all, ...(await readValueChain(pool, p))];
}

/** How far, in glyph heights, the big print is read beyond its right end when it may have lost its last zero: one digit and its gap. */
const VALUE_WIDER = 1.0;

/**
 * The big print at `rows` (read as two digits) read once more, VALUE_WIDER further to the right: its
 * last zero may lie outside the line (in a lighter band of the photo the line finder saw no glyph
 * in). Only a read that found more digits is kept: the same read again would only count its vote
 * twice (a calibration photo's stray "10" outvoted the big "30" that way).
 */
export async function rereadValueWider(pool: OcrPool, p: PreparedCard, rows: number[]): Promise<CardLine[]> {
  const widen = (l: TextLine) => ({ ...l, x1: Math.min(p.card.gray.width - 1, Math.round(l.x1 + VALUE_WIDER * l.glyphHeight)) });
  const wider = { ...p, lines: p.lines.map((l, i) => (rows.includes(i) ? widen(l) : l)) };
  return (await readRows(pool, wider, rows, GREY_STYLE)).filter((l) => digitsOf(l).length > 2);
}

/** The big print as the value-patch finder sees it (value-line.ts), read alone; nothing when it finds none. */
export async function readValueChain(pool: OcrPool, p: PreparedCard): Promise<CardLine[]> {
  const line = valueChainLine(p.card);
  if (!line) return [];
  return (await readCard(pool, { ...p, lines: [line] }, GREY_STYLE)).map((l) => ({ ...l, row: p.lines.length }));
}

/** Digit counts of card numbers and PINs (all carriers). */
const NUMBER_LENGTHS = new Set(Object.values(CARD_FORMATS).flatMap((f) => [f.serialLength, f.pinLength]));
/** Glyph height of the re-read: larger than the first reads', so tesseract sees the digits anew. */
export const REREAD_STYLE: StackStyle = { glyph: 40, grey: true, localContrast: true };
/**
 * The wide re-read's margins: a first or last digit that blur joined to its panel's edge drops out
 * of the line's chain and can lie beyond the usual margin, where it is cut and cleared with the
 * border (a PIN read one digit short). Wider margins for every read let in more of the panel's
 * edge (read as a "1"), so only photos still missing a number get them.
 */
export const WIDE_STYLE: StackStyle = { glyph: 28, grey: true, numberPad: 1.6, localContrast: true };

export const isNumberLine = (l: TextLine): boolean => l.count >= 10 || isPanel(l.count, l.fill);

/** The card's lines at `rows` (indices into p.lines), read by themselves in `style`; nothing is read when there are none. */
async function readRows(pool: OcrPool, p: PreparedCard, rows: number[], style: StackStyle): Promise<CardLine[]> {
  if (rows.length === 0) return [];
  const sub: PreparedCard = { ...p, lines: rows.map((i) => p.lines[i]) };
  // Rows are numbered within the re-read page: map them back to the card's rows.
  return (await readCard(pool, sub, style)).map((l) => ({ ...l, row: rows[l.row] }));
}

/** The card's lines at `rows` read by themselves in grey, as one page (readers-first.ts reads the small print so). */
export const readLinesAt = (pool: OcrPool, p: PreparedCard, rows: number[]): Promise<CardLine[]> => readRows(pool, p, rows, GREY_STYLE);

const rowsWhere = (p: PreparedCard, keep: (l: TextLine, i: number) => boolean) => p.lines.flatMap((l, i) => (keep(l, i) ? [i] : []));

/** Every number line (long chain or panel), widened over the pieces it broke into (line-join.ts), read once more with wide side margins. */
export async function rereadWide(pool: OcrPool, p: PreparedCard): Promise<CardLine[]> {
  const joined = { ...p, lines: p.lines.map((l) => (isNumberLine(l) ? joinedLine(l, p.lines) : l)) };
  return readRows(pool, joined, rowsWhere(joined, isNumberLine), WIDE_STYLE);
}

/**
 * Number lines (long glyph chains or panels) that neither read gave a number-length digit string
 * for, read once more by themselves at a larger scale; nothing is read when every number line
 * has a plausible read. Only photos left unsure by both reads pay for this.
 */
export async function rereadNumberLines(pool: OcrPool, p: PreparedCard, reads: CardLine[]): Promise<CardLine[]> {
  const readOk = new Set(reads.filter((l) => NUMBER_LENGTHS.has(digitsOf(l).length)).map((l) => l.row));
  return readRows(pool, p, rowsWhere(p, (l, i) => isNumberLine(l) && !readOk.has(i)), REREAD_STYLE);
}
