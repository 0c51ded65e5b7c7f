/**
 * Readers first: the line reader (card number and PIN, reader-lines.ts) and the value reader (face
 * value, value-reader.ts) read a card in tens of milliseconds, tesseract in hundreds. When the two
 * readers alone settle the card, with a carrier sure enough that its printed name would not be
 * read, tesseract is not asked (recognizer.ts); otherwise the card is read as before and the
 * readers' reads vote beside tesseract's.
 *
 * Chosen on six development sets (1,800 photos, seeds 700010–700060), reading them with the readers
 * alone (the gates below) and with the whole pipeline: 751 photos settled (40% of the hard photos,
 * 52% of the standard ones), with the same card numbers and PINs as the whole pipeline and the
 * same face values but one, which the readers got right and the whole pipeline wrong ("10" read
 * "100"). Looser gates lost results the whole pipeline got: a card number at 0.95 (one digit
 * misread), a PIN at 0.61, and, letting a card with no PIN read through, three face values and two
 * revealed PINs. The gates as served, with the small print of a two-digit face value read
 * (tenfoldPossible), on those six sets and a fresh one (seed 700070; 2,100 photos): 449 photos read
 * without tesseract and about 430 with one short page of small print; every result the same as
 * before but that one face value gained.
 */
import { CARRIERS, DENOMINATIONS, type Carrier } from './classes.js';
import type { CardText } from './card-text.js';
import { argmax } from './calibration.js';
import { PIN_SETTLED } from './read-checks.js';
import type { CardLine, PreparedCard } from './ocr-card.js';
import { isReaderLine } from './reader-lines.js';
import { isValueLine } from './value-reader.js';
import { votingReads } from './text-fusion.js';

/** Least confidence of the line reader's card number. */
const SERIAL_SURE = 0.96;
/** Least confidence of its PIN (which must also hold PIN_SETTLED of the votes). */
const PIN_SURE = 0.7;
/** Least confidence of the value reader's surest read of the face value. */
const VALUE_SURE = 0.99;
/** Least fused face-value probability, before calibration (with the value reads standing in for tesseract's, asPrintedReads). */
const FUSED_VALUE = 0.8;

/**
 * The value reader's reads as tesseract's reads of the same rows would come (one word each, its
 * height in hundredths of the card, as ocr-card.ts rowsFromOcr gives them): when tesseract is not
 * asked they stand in for its read of the printed face value in the fusion (text-fusion.ts), so a
 * card settled by the readers is as sure of its face value as one tesseract read the same way.
 */
export function asPrintedReads(valueReads: CardLine[]): CardLine[] {
  return valueReads.map((r) => ({ ...r, words: [{ text: r.text, confidence: r.confidence, height: r.relHeight * 100 }] }));
}

/**
 * Whether the readers' reads settle the card: the fused carrier's card number and PIN read surely
 * (a card with no PIN read is not settled: the finger that covers it often hides part of the face
 * value too), and every value-reader read on the card naming one face value, its surest at
 * VALUE_SURE, which the fusion then chose at FUSED_VALUE. `fused`: the classifier fused with the
 * readers' reads (text-fusion.ts), before calibration, so a refit of the temperatures does not
 * change which photos tesseract reads.
 */
export function readersSettled(texts: Record<Carrier, CardText>, valueReads: CardLine[], fused: { carrierProbs: number[]; denomProbs: number[] }): boolean {
  const { serial, pin } = texts[CARRIERS[argmax(fused.carrierProbs)]];
  if (!serial || serial.confidence < SERIAL_SURE || !pin || pin.confidence < PIN_SURE || pin.share < PIN_SETTLED) return false;
  const voting = votingReads(valueReads);
  if (voting.length === 0 || voting.some((r) => r.text !== voting[0].text) || Math.max(...voting.map((r) => r.confidence)) < VALUE_SURE) return false;
  const d = argmax(fused.denomProbs);
  return String(DENOMINATIONS[d]) === voting[0].text && fused.denomProbs[d] >= FUSED_VALUE;
}

/**
 * Whether the face value the fusion chose could be a three-digit one read a zero short: a "30"
 * whose last zero a fingertip or the photo's edge hides reads as surely as a printed "30" (dev
 * sets, with looser gates: six such photos). Its small print ("RMB 300") then decides.
 */
export const tenfoldPossible = (fused: { denomProbs: number[] }): boolean =>
  DENOMINATIONS.some((v) => v === 10 * DENOMINATIONS[argmax(fused.denomProbs)]);

/** Rows of the card's small print: neither the number lines (the line reader's) nor the big print (the value reader's). */
export const smallPrintRows = (p: PreparedCard): number[] =>
  p.lines.flatMap((l, i) => (isReaderLine(l) || isValueLine(l, p.card.cardHeight) ? [] : [i]));
