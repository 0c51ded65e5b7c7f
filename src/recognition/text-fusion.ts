/**
 * Combines the classifier with what OCR read on the card: the printed face value (face-value-text.ts)
 * and which carrier's number formats the card number / PIN fit (17 digits only cmcc, 15 only cucc).
 * Printed digits generalise to unseen designs better than pixels, so OCR evidence weighs more.
 */
import { CARRIERS, DENOMINATIONS, type Carrier, type Denomination } from './classes.js';
import { digitsOf, holds, type CardText, type ReadNumber } from './card-text.js';
import { readFaceValue, rowKey } from './face-value-text.js';
import type { Sighting } from './trailing-zero.js';
import { bigPrint, completions, lengthFactor, lostLead, type BigPrint } from './face-value-length.js';
import type { OcrLine } from './ocr-pool.js';

const OCR_DENOM_WEIGHT = 0.75;
const SERIAL_WEIGHT = 50;
const PIN_WEIGHT = 3;
/** Vote of a face value completed from a part-read big print (a clear read weighs ~1-40). */
const WEAK_VOTE = 1;
/** Weight of a face value that does not end in the "00" its big print was read as (dev sets: one face value gained, none lost). */
const NOT_TAIL = 0.3;
/** A reading inside a longer one at least this share as confident is a fragment of it... */
const FRAGMENT_OF = 0.5;
/** ...and its format fit counts at this share. */
const FRAGMENT_WEIGHT = 0.2;

const normalise = (p: number[]) => {
  const s = p.reduce((a, b) => a + b, 0);
  return s > 0 ? p.map((v) => v / s) : p;
};

/**
 * Face values a part-read big print votes for (weakly, on top of what the small print said of
 * them): its completions when nothing else named a face value; and when it was read as "00" (its
 * leading digit lost), the three-digit values beside any other read that is not one of them, so a
 * stray "10" elsewhere does not decide alone.
 */
function bigPrintFill(big: BigPrint | null, best: Denomination | null): Denomination[] {
  if (!big) return [];
  const fill = completions(big);
  if (best === null) return fill;
  return lostLead(big.digits) && !fill.includes(best) ? fill : [];
}

/** Whether digits are exactly a face value ("300"; not "3007" or "301"). */
const isFaceValueText = (digits: string): boolean => DENOMINATIONS.some((d) => String(d) === digits);
/** The value reader's reads that vote on the face value: on the card and exactly a face value. */
export const votingReads = <R extends ValueRead>(reads: R[]): R[] => reads.filter((r) => r.onCard && isFaceValueText(r.text));

/** How much a carrier name printed on the card (carrier-names.ts) multiplies its carrier's odds: as much as a clear card number. */
const NAME_WEIGHT = 1000;

/**
 * Share of the face value the value reader's reads decide (value-reader.ts), against the
 * classifier and tesseract's reads together: a network trained on the big print of many fonts
 * and styles misreads a big "300" far less often than tesseract does.
 */
const VALUE_READER_WEIGHT = 0.5;

/**
 * The value reader's vote: its reads on the card that are a face value, by confidence and glyph
 * height (the big print counts most), and how much it counts, its surest read's confidence
 * (a read it is unsure of moves the face value little); null when no read is a face value.
 * A big print at the card's edge is often cut one digit short ("500" read "50", as tesseract
 * reads it too): a read whose ten-fold tesseract read on another printed row of the card (`seen`)
 * votes for both. Tesseract's reading of the same row does not count: that is the read the reader
 * is there to overrule ("20RMB" read "2002", taken for 200; six development sets: one face value
 * gained, none lost).
 */
function valueReaderVotes(reads: ValueRead[], seen: Sighting[]): { probs: number[]; strength: number } | null {
  const voting = votingReads(reads);
  if (voting.length === 0) return null;
  const share = (r: ValueRead, d: Denomination) => {
    const tenfold = DENOMINATIONS.find((v) => String(v) === `${r.text}0` && seen.some((s) => s.value === v && s.row !== rowKey(r, -1)));
    return r.text === String(d) ? (tenfold ? 0.5 : 1) : tenfold === d ? 0.5 : 0;
  };
  const votes = DENOMINATIONS.map((d) => voting.reduce((a, r) => a + share(r, d) * r.confidence * r.relHeight, 0));
  const total = votes.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  return { probs: votes.map((v) => 0.9 * (v / total) + 0.1 / DENOMINATIONS.length), strength: Math.max(...voting.map((r) => r.confidence)) };
}

/**
 * Tesseract's reads of a row the value reader read as another face value are left out of the
 * printed-value vote: where the two disagree on one row the reader is right far more often (six
 * development sets: reader 39, tesseract 2, neither 1), and tesseract's misread would otherwise
 * vote at full weight against it (or, as the big print's completion, weakly); with this, the six
 * sets gained one face value and lost none.
 * Only a line whose digits are exactly a face value is dropped; a read with a unit ("2007") or a
 * part-read is left to face-value-text.ts.
 */
function unlessReaderDisagrees<L extends OcrLine & { relHeight?: number }>(lines: L[], reads: ValueRead[]): L[] {
  const readerSaid = new Map<string, Set<string>>();
  for (const r of votingReads(reads)) {
    const row = rowKey(r, -1);
    readerSaid.set(row, (readerSaid.get(row) ?? new Set()).add(r.text));
  }
  return lines.filter((l, i) => {
    const said = readerSaid.get(rowKey(l, i));
    const digits = digitsOf(l);
    return !(said && isFaceValueText(digits) && !said.has(digits));
  });
}

/** A value reader's read of a tall line (value-reader.ts). */
export interface ValueRead { text: string; confidence: number; relHeight: number; onCard: boolean }

/**
 * Whether `longer` holds `digits` and more, other than a panel edge's "1" at either end (which the
 * parsers read as the number itself, card-text.ts EDGE_ONE).
 */
const holdsMore = (longer: string, digits: string) => holds(longer, digits) && longer !== `1${digits}` && longer !== `${digits}1`;

/**
 * `named`: the carrier whose name was read on the card, when it was read; `valueReads`: the value
 * reader's reads; `readerReads`: the line reader's reads of the number lines.
 */
export function fuseWithText(carrierProbs: number[], denomProbs: number[], lines: Array<OcrLine & { onCard?: boolean }>, texts: Record<Carrier, CardText>, named: Carrier | null = null, valueReads: ValueRead[] = [], readerReads: OcrLine[] = []): { carrierProbs: number[]; denomProbs: number[] } {
  const kept = unlessReaderDisagrees(lines, valueReads);
  const fv = readFaceValue(kept);
  // The big print's glyph count says 2 or 3 digits; when OCR read only its start ("5"), that and
  // the count still name the face value (weakly).
  const big = bigPrint(kept);
  const votes = new Map(fv.votes);
  for (const d of bigPrintFill(big, fv.best)) votes.set(d, (votes.get(d) ?? 0) + WEAK_VOTE);
  // A big print read as "00" with more glyphs than that lost its leading digit: a value that does
  // not end in it is some other print (with two glyphs, "00" is a misread "50" as likely).
  const tail = big && lostLead(big.digits) && big.glyphs > big.digits.length ? big.digits : null;
  const fitsTail = (d: Denomination) => (tail === null || String(d).endsWith(tail) ? 1 : NOT_TAIL);
  let denom = denomProbs;
  if (votes.size > 0) {
    const weighted = DENOMINATIONS.map((d) => (votes.get(d) ?? 0) * (big ? lengthFactor(big.glyphs, d) : 1) * fitsTail(d));
    const total = weighted.reduce((a, b) => a + b, 0);
    const ocr = weighted.map((v) => 0.9 * (v / total) + 0.1 / DENOMINATIONS.length);
    denom = denomProbs.map((p, i) => (1 - OCR_DENOM_WEIGHT) * p + OCR_DENOM_WEIGHT * ocr[i]);
  }
  const reader = valueReaderVotes(valueReads, fv.sightings);
  if (reader) {
    const w = VALUE_READER_WEIGHT * reader.strength;
    denom = denom.map((p, i) => (1 - w) * p + w * reader.probs[i]);
  }
  // Number formats as carrier evidence, scaled by the read's vote confidence. A whole line of
  // exactly the carrier's card-number length is strong evidence (17 digits are only cmcc's, 15 only
  // cucc's; a misread rarely adds or drops exactly the right digits), and it must be able to
  // overrule the colour cue, which held-out palettes can mislead. PIN lengths are shared (18 by
  // cmcc and ctcc, 19 by cucc's PIN and ctcc's card number), so the PIN counts less.
  // A reading inside a longer reading for another format (a 15-digit run inside an 18-digit line)
  // is a fragment of that line rather than a number of its own: it counts for little.
  const reads = CARRIERS.flatMap((c) => [texts[c].serial, texts[c].pin]).filter((r): r is ReadNumber => r !== null);
  // So is a reading inside the line reader's longer read of a line (a 15-digit chain of 9 glyphs
  // inside its panel read as 16 digits: part of a 19-digit card number).
  const fragment = (r: ReadNumber) => reads.some((o) => holds(o.value, r.value) && o.confidence >= FRAGMENT_OF * r.confidence)
    || readerReads.some((l) => holdsMore(digitsOf(l), r.value) && l.confidence >= FRAGMENT_OF * r.confidence);
  const conf = (r: ReadNumber | null) => (r === null ? 0 : fragment(r) ? FRAGMENT_WEIGHT * r.confidence : r.confidence);
  const formatFit = CARRIERS.map((c) => (1 + SERIAL_WEIGHT * conf(texts[c].serial)) * (1 + PIN_WEIGHT * conf(texts[c].pin)) * (c === named ? NAME_WEIGHT : 1));
  const carrier = normalise(carrierProbs.map((p, i) => p * formatFit[i]));
  return { carrierProbs: carrier, denomProbs: normalise(denom) };
}
