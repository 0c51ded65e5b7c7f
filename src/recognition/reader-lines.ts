/**
 * The card's number lines read by the line reader (line-reader.ts), as card lines beside
 * tesseract's: the card-number and PIN parsers (card-text.ts) vote over both readers' reads.
 * Reads shorter than a number are dropped: the reader was trained on card numbers and PINs only,
 * and its fragments must not pass for a face value.
 */
import { NUMBER_DIGITS } from './card-text.js';
import { CARD_FORMATS } from './classes.js';
import { placeOnCard, type CardLine, type PreparedCard } from './ocr-card.js';
import { isPanel, overlap, type TextLine } from './text-lines.js';
import { isMergedChain } from './number-locate.js';
import type { LineReader } from './line-reader.js';
import { readerPatch } from './reader-patch.js';

/**
 * A reader line, marked so development runs can weigh the readers apart (dev-run.ts): 'best' for
 * the best path, 'length' for a reading at a number's length one digit off it.
 */
export type ReaderLine = CardLine & { reader: 'best' | 'length' };

/** How much a reader read's vote counts against a tesseract read of the same confidence. */
export const READER_WEIGHT = 1;
/** How much a reading at another length counts, times its likelihood against the best path. */
export const LENGTH_WEIGHT = 0.5;
/**
 * Least vote a reader read counts with, as weighed above (its least sure digit's probability,
 * times LENGTH_WEIGHT and the likelihood for another length). Below it, the reads are mostly made
 * up: the digits of a covered or half-scratched panel, or a card number read one digit long,
 * which then passes for an 18-digit PIN. Development sets 1–2 (first reader): with no floor, 24
 * PINs given for cards with none revealed (1 without the reader); at 0.6 and 0.3, 3, with card
 * numbers 548 → 560 of 600 and revealed PINs 406 → 414 of 440. The reader served since 3
 * December, trained on lines with nothing to read too, makes fewer up: at 0.45 rather than 0.6
 * (with isReaderLine), six development sets (1,800 photos) gained 8 card numbers and 8 revealed
 * PINs and lost 1 PIN, with no more PINs wrong or made up and not flagged for review.
 */
const MIN_BEST = 0.45;
const MIN_LENGTH = 0.3;
/** A chain of eight glyph components or more: a number line in its own components. */
const isDigitChain = (l: TextLine): boolean => l.count >= 8;
/**
 * The lines the served reader was trained on (training/recognition/harvest-lines.ts): eight
 * glyphs or more, or a panel. Tesseract's re-reads take ten (ocr-card.ts isNumberLine): blur
 * merges a card number's digits into eight or nine components, which the reader still reads (six
 * development sets: 6 card numbers and 5 PINs came from such lines).
 */
export const isTrainedReaderLine = (l: TextLine): boolean => isDigitChain(l) || isPanel(l.count, l.fill);

/**
 * Lines the reader reads: chains and panels, and number chains that heavy blur merged into five to
 * seven groups (number-locate.ts isMergedChain: at least nine glyph heights wide). Its patch is cut
 * from the grey card, not from the components, so such a chain looks to the reader like any
 * number line. The harvest keeps to isTrainedReaderLine, so the served reader is still what
 * `train recognition` makes. With panelDigitBand, seven development sets (2,100 photos): face
 * values 2,084 → 2,085, card numbers 2,023 → 2,029, revealed PINs 1,512 → 1,517, none lost; PINs
 * wrong and not flagged for review 3 → 1.
 */
export const isReaderLine = (l: TextLine): boolean => isTrainedReaderLine(l) || isMergedChain(l);

/**
 * A light panel found as one blob (its digits too blurred to be components of their own): the band
 * its digits fill, the middle half of its height (the generator prints digits of cap height 0.72,
 * centred in a box 1.4 tall). Cut at the panel's height, its digits come out half the height the
 * reader was trained on; the band is read beside it, as the panel's own read is sometimes the
 * better one (reading the band alone cost a PIN that only the panel's read had right).
 */
const PANEL_DIGIT_BAND = 0.5;
function panelDigitBand(l: TextLine): TextLine {
  const h = l.y1 - l.y0 + 1; const yc = (l.y0 + l.y1) / 2;
  const half = (PANEL_DIGIT_BAND * h) / 2;
  // Twelve glyphs, dark: the reader patch then takes the band's polarity as a number line's (line-stack.ts linePolarity).
  return { ...l, y0: Math.round(yc - half), y1: Math.round(yc + half), glyphHeight: PANEL_DIGIT_BAND * h, count: 12, light: false };
}

/** A panel with no number chain inside it: no digit chain overlapping it by more than half. */
const barePanel = (l: TextLine, lines: TextLine[]) => isPanel(l.count, l.fill) && !lines.some((o) => isDigitChain(o) && overlap(o, l) > 0.5);

/** Every carrier's card-number and PIN lengths. */
const LENGTHS = [...new Set(Object.values(CARD_FORMATS).flatMap((f) => [f.serialLength, f.pinLength]))];

/**
 * Each number line is read at a second scale too, its source a tenth taller, so its digits come out
 * a tenth smaller: where the first read lost or gained a digit (two touching 1s merged, a first
 * digit against its panel's edge), the second often reads the printed count. Its reads count only
 * when it read another number of digits than the first; the same count again mostly repeats the
 * first's vote, errors included. Seven development sets (2,100 photos): revealed PINs 1,517 →
 * 1,522 and card numbers 2,029 → 2,030, none lost; counted always, card numbers gained 7 and lost 3.
 */
const SECOND_VIEW = 1.1;

/**
 * What the reader reads of a card's lines, each with its row: every reader line, and a bare
 * panel twice, as found and its digit band alone. One list, so that a harvest
 * (training/recognition/harvest-lines.ts) can cut what serving reads; it still cuts
 * isTrainedReaderLine, the lines the served reader was trained on: a reader trained on this list
 * (4 December, on two replicas and on one core) lost PINs and made up more unflagged ones (README,
 * line reader).
 */
export const readerItems = (lines: TextLine[]): Array<{ row: number; line: TextLine }> =>
  lines.flatMap((l, i) => (!isReaderLine(l) ? []
    : barePanel(l, lines) ? [{ row: i, line: l }, { row: i, line: panelDigitBand(l) }] : [{ row: i, line: l }]));

export async function readNumberLines(reader: LineReader, p: PreparedCard): Promise<ReaderLine[]> {
  const items = readerItems(p.lines);
  if (items.length === 0) return [];
  const patches = items.flatMap((x) => [readerPatch(p.card.gray, x.line), readerPatch(p.card.gray, x.line, SECOND_VIEW)]);
  const reads = await reader.read(patches, LENGTHS);
  return items.flatMap((x, i) => {
    const [first, second] = [reads[2 * i], reads[2 * i + 1]];
    const place = placeOnCard(p.card, p.lines[x.row], x.row);
    const line = (text: string, confidence: number, kind: ReaderLine['reader']): ReaderLine => ({ text, confidence, words: [], reader: kind, ...place });
    return (second.text.length === first.text.length ? [first] : [first, second]).flatMap((r) => [
      ...(r.text.length >= NUMBER_DIGITS ? [line(r.text, r.confidence * READER_WEIGHT, 'best')] : []),
      ...r.alternatives.map((a) => line(a.text, r.confidence * READER_WEIGHT * LENGTH_WEIGHT * a.likelihood, 'length')),
    ].filter((l) => l.confidence >= (l.reader === 'best' ? MIN_BEST : MIN_LENGTH)));
  });
}
