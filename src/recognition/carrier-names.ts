/**
 * The carrier's name printed on the card ("CHINA MOBILE", "China Unicom", "CHINA TELECOM"), read
 * with a letters-only tesseract pool from the same line patches the digits come from. The card's
 * colours mislead the classifier on unseen designs, and a misread card number can fit another
 * carrier's format; the printed name does neither. Read only when the carrier is still unsure.
 */
import { distance } from 'fastest-levenshtein';
import type { Carrier } from './classes.js';
import { BIG_PRINT } from './face-value-length.js';
import { GREY_STYLE, readCard, type CardLine, type PreparedCard } from './ocr-card.js';
import { digitsOf, NUMBER_DIGITS } from './card-text.js';
import type { OcrLine, OcrPool } from './ocr-pool.js';

/** What the names pool may read. */
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ';

const NAMES: Record<Carrier, string> = { cmcc: 'MOBILE', cucc: 'UNICOM', ctcc: 'TELECOM' };
const SHORTEST_NAME = Math.min(...Object.values(NAMES).map((n) => n.length));

/** Letters a read may get wrong and still name the carrier ("MOBRLE", "UNICON"); two would let "MOBILE" match "NOBLE". */
const MAX_EDITS = 1;

/**
 * The letters a name's end must show, exactly, when its start is hidden (an occluder over "Te" of
 * "Telecom" left "slecom": two edits from TELECOM). Five: a name's last five letters are in no
 * other name, nor in the card's other words (CHINA, CARD, TIANYI, SHENZHOUXING).
 */
const NAME_END = 5;

/** Whether `word` is `name` with at most MAX_EDITS slips, alone or inside a longer run ("CHINAMOBILE"), or holds the name's last NAME_END letters. */
function names(word: string, name: string): boolean {
  if (word.includes(name.slice(-NAME_END))) return true;
  if (word.length <= name.length + MAX_EDITS) return distance(word, name) <= MAX_EDITS;
  for (let i = 0; i + name.length <= word.length; i++) if (distance(word.slice(i, i + name.length), name) <= MAX_EDITS) return true;
  return false;
}

/** The one carrier the lines name, or null when none or more than one is named. */
export function carrierNamed(lines: OcrLine[]): Carrier | null {
  const found = new Set<Carrier>();
  for (const line of lines) {
    for (const word of line.text.toUpperCase().split(/[^A-Z]+/)) {
      if (word.length < SHORTEST_NAME - MAX_EDITS) continue;
      for (const [carrier, name] of Object.entries(NAMES) as Array<[Carrier, string]>) if (names(word, name)) found.add(carrier);
    }
  }
  return found.size === 1 ? [...found][0] : null;
}

/**
 * The card's small print, read by a letters pool: not the big face value, nor the rows the digit
 * reads (`digitReads`) found a card number or PIN in (the longest rows: half the page's cost).
 */
export async function readCardNames(pool: OcrPool, p: PreparedCard, digitReads: CardLine[]): Promise<OcrLine[]> {
  const numberRows = new Set(digitReads.filter((l) => digitsOf(l).length >= NUMBER_DIGITS).map((l) => l.row));
  const lines = p.lines.filter((l, i) => l.glyphHeight < BIG_PRINT * p.card.cardHeight && !numberRows.has(i));
  return readCard(pool, { card: p.card, lines }, GREY_STYLE);
}
