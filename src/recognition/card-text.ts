/**
 * Turns OCR lines into a card number and PIN using the carrier's formats: digit groups on one line
 * are joined, and a run whose length is the carrier's serial (PIN) length becomes the serial (PIN).
 * When the carrier is uncertain the lengths still disambiguate most cases.
 */
import { CARD_FORMATS, type Carrier } from './classes.js';
import type { OcrLine, OcrSymbol } from './ocr-pool.js';

export interface ReadNumber {
  value: string;
  confidence: number;
  /** The winning reading's share of the field's votes (1: no rival reading). */
  share: number;
}
export interface CardText { serial: ReadNumber | null; pin: ReadNumber | null }

/** A read line's digits, spaces and stray marks dropped. */
export const digitsOf = (l: Pick<OcrLine, 'text'>): string => l.text.replace(/\D/g, '');

/** Whether the digit string `longer` holds `digits` and more (a number read in part, inside its whole). */
export const holds = (longer: string, digits: string): boolean => longer.length > digits.length && longer.includes(digits);

/**
 * The line with its symbols' texts replaced by `textOf` (the zero check, the digit check): the
 * words where a symbol changed and the line's text are rebuilt; an unchanged line comes back as is.
 */
export function withSymbolTexts(line: OcrLine, textOf: (s: OcrSymbol) => string): OcrLine {
  let changed = false;
  const words = line.words?.map((w) => {
    const symbols = w.symbols?.map((s) => { const text = textOf(s); return text === s.text ? s : { ...s, text }; });
    if (!symbols || symbols.every((s, i) => s === w.symbols![i])) return w;
    changed = true;
    return { ...w, text: symbols.map((s) => s.text).join(''), symbols };
  });
  return changed && words ? { ...line, words, text: words.map((w) => w.text).join(' ') } : line;
}

/**
 * Candidate digit runs of one line: the whole line's digits, and each space-separated part and
 * run of adjacent parts, each with its weight: half, or a quarter for a run that keeps a stray
 * leading digit.
 */
function candidates(line: OcrLine): { whole: string; runs: Map<string, number>; strayLead: boolean } {
  const normalised = line.text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const whole = normalised.replace(/[^0-9]/g, '');
  const parts = normalised.split(/[^0-9]+/).filter((p) => p.length > 0);
  // Numbers are printed in groups of four or more: a lone leading digit is a stray mark (a lone
  // trailing one can be a last group).
  const strayLead = parts.length > 1 && parts[0].length === 1;
  const runs = new Map<string, number>();
  // Adjacent groups (a label digit or stray mark can sit at either end of the line).
  for (let i = 0; i < parts.length; i++) {
    let acc = '';
    const weight = i === 0 && strayLead ? 0.25 : 0.5;
    for (let j = i; j < parts.length; j++) { acc += parts[j]; if (acc !== whole) runs.set(acc, Math.max(runs.get(acc) ?? 0, weight)); }
  }
  return { whole, runs, strayLead };
}

/** Positions where two readings of the same length differ. */
const differingAt = (a: string, b: string): number[] => [...a].map((_, i) => i).filter((i) => a[i] !== b[i]);

/**
 * Tesseract reads a blurred dotted or slashed zero (a common card-number font) as 6 with full
 * confidence more often than a 6 as 0 (the first development set: 14 of the 40 digit slips were
 * 0→6, none 6→0; 9 and 0 were confused both ways). So where another reading of the same number agrees
 * everywhere else and has a 0 for a 6, the 0 wins. Not for an 8: since the zero check
 * (zero-check.ts) mends the 0s read as 8, a reading's 0 for an 8 was right 0 times of 4 on the
 * development sets, its 0 for a 6 20 times of 22. Those were tesseract's 6s: the line reader,
 * trained on these fonts blurred, tells 6 from 0, and a reading it made keeps its 6s (six
 * development sets, 1,800 photos: card numbers +10, revealed PINs +3, none lost).
 */
function preferZeros(winner: string, readings: string[]): string {
  const out = [...winner];
  for (const r of readings) {
    if (r.length !== winner.length || r === winner) continue;
    const diff = differingAt(r, winner);
    if (diff.length > 0 && diff.length <= 2 && diff.every((i) => r[i] === '0' && winner[i] === '6')) for (const i of diff) out[i] = '0';
  }
  return out.join('');
}

/**
 * Tesseract also slips the other way, reading a blurred 6 or 8 as 0 (and the zero check,
 * zero-check.ts, turns some 8s into 0s): where a line reader's reading of the same number differs
 * from tesseract's winning reading only by a 6 or 8 for its 0 (one or two digits), the reader's
 * reading wins. Six development sets (1,800 photos), where the two differed by one or two digits:
 * a reader's 6 or 8 for a 0 was right 4 times of 4 (its 9 for a 0, 1 of 2: a 9 is left to the vote).
 */
function preferReaderDigits(winner: string, readerReadings: Iterable<string>): string {
  for (const r of readerReadings) {
    if (r.length !== winner.length || r === winner) continue;
    const diff = differingAt(r, winner);
    if (diff.length > 0 && diff.length <= 2 && diff.every((i) => winner[i] === '0' && (r[i] === '6' || r[i] === '8'))) return r;
  }
  return winner;
}

/** Digits either side of a disputed digit that a partial read must hold with it to take a side. */
const SLIP_CONTEXT = 3;
/** Weight of a partial read's side in a slip, against a whole-line read: a run's (candidates). */
const SLIP_WEIGHT = 0.5;

/**
 * Two readings of one number that differ in a digit or two are one print and a slip. A read of
 * part of the line (another row of the line finder's, a read cut short) votes for neither, yet
 * holds the disputed digit with its neighbours: it adds its vote (lineVote) × SLIP_WEIGHT to the
 * reading whose digits around every disputed place it holds, when it does not hold the other's.
 * Only slips with SLIP_CONTEXT digits on both sides: at a number's ends a panel edge or stray mark
 * reads as one digit more (a read "7145…" of the PIN "7453…" holds the slip "1453…"'s digits).
 * `voted`: the lines that already voted in this field.
 */
function settleSlips(votes: Map<string, number>, lines: PlacedLine[], voted: Set<PlacedLine>): void {
  const readings = [...votes.keys()];
  const slips: Array<[string, string, number[]]> = [];
  for (let i = 0; i < readings.length; i++) {
    for (let j = i + 1; j < readings.length; j++) {
      const diff = readings[i].length === readings[j].length ? differingAt(readings[i], readings[j]) : [];
      const inside = diff.every((at) => at >= SLIP_CONTEXT && at < readings[i].length - SLIP_CONTEXT);
      if (diff.length > 0 && diff.length <= 2 && inside) slips.push([readings[i], readings[j], diff]);
    }
  }
  if (slips.length === 0) return;
  const around = (r: string, at: number) => r.slice(at - SLIP_CONTEXT, at + SLIP_CONTEXT + 1);
  const support = new Map<string, number>();
  for (const line of lines) {
    if (voted.has(line)) continue;
    const digits = digitsOf(line);
    const sides = new Set<string>();
    for (const [a, b, diff] of slips) {
      const holdsA = diff.every((at) => digits.includes(around(a, at)));
      const holdsB = diff.every((at) => digits.includes(around(b, at)));
      if (holdsA !== holdsB) sides.add(holdsA ? a : b);
    }
    for (const r of sides) support.set(r, (support.get(r) ?? 0) + lineVote(line) * SLIP_WEIGHT);
  }
  for (const [r, w] of support) votes.set(r, votes.get(r)! + w);
}

/**
 * Least confidence a read line counts with: tesseract gives 0 to many right number reads (two
 * thirds of the whole-line reads at confidence 0 on the development sets were right).
 */
const CONF_FLOOR = 0.1;
/** What a read line's vote starts from: its confidence, at least CONF_FLOOR. */
const lineVote = (l: OcrLine): number => Math.max(CONF_FLOOR, l.confidence);
/** Weight of a reading with a panel edge's "1" dropped, against a clean whole-line read. */
const EDGE_ONE = 0.3;
/**
 * Every card prints its number above its PIN. A read below another number line counts this much
 * for the card number, and one above another for the PIN: a 19-digit line is either a ctcc card
 * number or a cucc PIN, and its place says which.
 */
const OUT_OF_PLACE = 0.2;
/** Digits from which a read line is a card number or PIN line (face-value-text.ts skips those). */
export const NUMBER_DIGITS = 12;
/** Centres closer than this (card heights) are one printed line (a panel and the digit chain inside it). */
const SAME_LINE = 0.06;

/** `reader`: set on the line reader's reads (reader-lines.ts). */
type PlacedLine = OcrLine & { glyphs?: number; yc?: number; reader?: string };

/** Whether a number line (`numberYs`: their heights on the card) lies above (below) `line`; false when its place is unknown. */
function numberLinesAround(line: PlacedLine, numberYs: number[]): { above: boolean; below: boolean } {
  const y = line.yc;
  if (y === undefined) return { above: false, below: false };
  const others = numberYs.filter((o) => Math.abs(o - y) > SAME_LINE);
  return { above: others.some((o) => o < y), below: others.some((o) => o > y) };
}

/**
 * Votes per field: a line whose digits are exactly the field's length votes with its confidence;
 * a run of digit groups inside a longer line votes at half weight (a label digit or a stray mark
 * at the end), or a quarter when it keeps a stray leading digit, so a whole-line read beats a
 * fragment of another line. The same value read from several lines (two reads of one print)
 * adds up. `glyphs`, `yc`: the line finder's glyph count and the line's height on the card, when
 * known (CardLine).
 */
export function parseCardText(lines: PlacedLine[], carrier: Carrier): CardText {
  const fmt = CARD_FORMATS[carrier];
  const votes = { serial: new Map<string, number>(), pin: new Map<string, number>() };
  // Where on the card each reading was read (line centres), when known.
  const places = { serial: new Map<string, number[]>(), pin: new Map<string, number[]>() };
  // Readings the line reader made (reader-lines.ts): preferZeros leaves their 6s alone.
  const byReader = { serial: new Set<string>(), pin: new Set<string>() };
  const numberYs = lines.flatMap((l) => (l.yc !== undefined && digitsOf(l).length >= NUMBER_DIGITS ? [l.yc] : []));
  // The lines that voted in each field (settleSlips).
  const voted = { serial: new Set<PlacedLine>(), pin: new Set<PlacedLine>() };
  for (const line of lines) {
    const add = (field: 'serial' | 'pin', v: string, w: number) => {
      votes[field].set(v, (votes[field].get(v) ?? 0) + w);
      voted[field].add(line);
      if (line.yc !== undefined) places[field].set(v, [...(places[field].get(v) ?? []), line.yc]);
      if (line.reader !== undefined) byReader[field].add(v);
    };
    const { whole, runs, strayLead } = candidates(line);
    // The line finder saw two or more glyphs more than were read: the read is cut short.
    const cut = line.glyphs !== undefined && line.glyphs > 1 && line.glyphs >= whole.length + 2;
    const wholeFactor = (strayLead ? 0.5 : 1) * (cut ? 0.25 : 1);
    const base = lineVote(line);
    const around = numberLinesAround(line, numberYs);
    const serialPlace = around.above ? OUT_OF_PLACE : 1;
    const pinPlace = around.below ? OUT_OF_PLACE : 1;
    const serialWhole = whole.length === fmt.serialLength;
    const pinWhole = whole.length === fmt.pinLength;
    if (serialWhole) add('serial', whole, base * serialPlace * wholeFactor);
    if (pinWhole) add('pin', whole, base * pinPlace * wholeFactor);
    // A number panel's edge read as a "1" at either end (a one-digit-too-long whole line): the
    // number without it counts at EDGE_ONE, beside the field's other reads (a read from out of
    // place, a card number cut to a PIN's length above the PIN, can weigh less), unless the line
    // is whole for the other field in its place (a 19-digit line below the card number is a ctcc
    // PIN with an edge "1", above it a ctcc card number).
    const otherField = (serialWhole && serialPlace === 1) || (pinWhole && pinPlace === 1);
    for (const [field, len] of [['serial', fmt.serialLength], ['pin', fmt.pinLength]] as const) {
      if (otherField || whole.length !== len + 1) continue;
      const conf = base * (field === 'serial' ? serialPlace : pinPlace);
      if (whole.startsWith('1')) add(field, whole.slice(1), conf * wholeFactor * EDGE_ONE);
      if (whole.endsWith('1')) add(field, whole.slice(0, -1), conf * wholeFactor * EDGE_ONE);
    }
    for (const [c, w] of runs) {
      if (c.length === fmt.serialLength && !serialWhole) add('serial', c, base * serialPlace * w);
      else if (c.length === fmt.pinLength && !pinWhole) add('pin', c, base * pinPlace * w);
    }
  }
  for (const field of ['serial', 'pin'] as const) settleSlips(votes[field], lines, voted[field]);
  // The card number and the PIN are different rows: a reading that contains the other field's
  // reading, or is part of it, is not one (a PIN with a stray edge digit looks like a 19-digit
  // card number, a PIN cut short like a 15-digit one); nor is a reading read only on the printed
  // line the other field's reading came from (a ctcc card number read one digit short, with a
  // slip, passes for an 18-digit PIN).
  const overlaps = (a: string, b: string | undefined) => b !== undefined && (a.includes(b) || b.includes(a));
  const onlyThere = (ys: number[] | undefined, there: number[]) => ys !== undefined && ys.length > 0 && there.length > 0
    && ys.every((y) => there.some((t) => Math.abs(t - y) <= SAME_LINE));
  const best = (field: 'serial' | 'pin', not?: string): ReadNumber | null => {
    const other = field === 'serial' ? 'pin' : 'serial';
    const there = not === undefined ? [] : places[other].get(not) ?? [];
    let out: { value: string; vote: number } | null = null;
    let total = 0;
    for (const [value, w] of votes[field]) {
      total += w;
      if (!overlaps(value, not) && !onlyThere(places[field].get(value), there) && (!out || w > out.vote)) out = { value, vote: w };
    }
    if (!out) return null;
    // Confidence: the winner's vote, discounted by how much went to rival readings.
    const share = out.vote / total;
    const value = byReader[field].has(out.value) ? out.value : preferReaderDigits(preferZeros(out.value, [...votes[field].keys()]), byReader[field]);
    return { value, confidence: Math.min(1, out.vote) * share, share };
  };
  const top = (m: Map<string, number>) => Math.max(0, ...m.values());
  const winner = (m: Map<string, number>) => [...m].find(([, w]) => w === top(m))?.[0];
  // The field with the stronger vote is decided first, unless its reading is the other's with the
  // panel edge read as a leading "1".
  const [ws, wp] = [winner(votes.serial), winner(votes.pin)];
  const strayOne = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a === `1${b}`;
  if (!strayOne(ws, wp) && (strayOne(wp, ws) || top(votes.serial) >= top(votes.pin))) {
    const serial = best('serial');
    return { serial, pin: best('pin', serial?.value) };
  }
  const pin = best('pin');
  return { serial: best('serial', pin?.value), pin };
}

export function maskPin(pin: string): string {
  return '*'.repeat(Math.max(0, pin.length - 4)) + pin.slice(-4);
}
