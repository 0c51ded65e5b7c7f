/**
 * Turns OCR lines into a card number and PIN using the carrier's formats: digit groups on one line
 * are joined, and a run whose length is the carrier's serial (PIN) length becomes the serial (PIN).
 * When the carrier is uncertain the lengths still disambiguate most cases.
 */
import { CARD_FORMATS, type Carrier } from './classes.js';
import type { OcrLine } from './ocr-pool.js';

export interface ReadNumber { value: string; confidence: number }
export interface CardText { serial: ReadNumber | null; pin: ReadNumber | null }

/** Candidate digit runs of one line: the whole line's digits and each space-separated part. */
function candidates(line: OcrLine): string[] {
  const normalised = line.text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const joined = normalised.replace(/[^0-9]/g, '');
  const parts = normalised.split(/[^0-9]+/).filter((p) => p.length > 0);
  const out = new Set<string>([joined, ...parts]);
  // Adjacent groups (a label digit or stray mark can sit at either end of the line).
  for (let i = 0; i < parts.length; i++) {
    let acc = '';
    for (let j = i; j < parts.length; j++) { acc += parts[j]; out.add(acc); }
  }
  return [...out];
}

/**
 * Votes per field: a line whose digits are exactly the field's length votes with its confidence;
 * a run of digit groups inside a longer line votes at half weight (a label digit or a stray mark
 * at the end), so a whole-line read beats a fragment of another line. The same value read from
 * several lines (two reads of one print) adds up.
 */
export function parseCardText(lines: OcrLine[], carrier: Carrier): CardText {
  const fmt = CARD_FORMATS[carrier];
  const votes = { serial: new Map<string, number>(), pin: new Map<string, number>() };
  const add = (field: 'serial' | 'pin', v: string, w: number) => votes[field].set(v, (votes[field].get(v) ?? 0) + w);
  for (const line of lines) {
    const [whole, ...runs] = candidates(line);
    const conf = Math.max(0.01, line.confidence);
    const serialWhole = whole.length === fmt.serialLength;
    const pinWhole = whole.length === fmt.pinLength;
    if (serialWhole) add('serial', whole, conf);
    if (pinWhole) add('pin', whole, conf);
    for (const c of runs) {
      if (c.length === fmt.serialLength && !serialWhole) add('serial', c, conf * 0.5);
      else if (c.length === fmt.pinLength && !pinWhole) add('pin', c, conf * 0.5);
    }
  }
  const best = (m: Map<string, number>): ReadNumber | null => {
    let out: ReadNumber | null = null;
    let total = 0;
    for (const [value, w] of m) { total += w; if (!out || w > out.confidence) out = { value, confidence: w }; }
    // Confidence: the winner's vote, discounted by how much went to rival readings.
    return out ? { value: out.value, confidence: Math.min(1, out.confidence) * (out.confidence / total) } : null;
  };
  return { serial: best(votes.serial), pin: best(votes.pin) };
}

export function maskPin(pin: string): string {
  return '*'.repeat(Math.max(0, pin.length - 4)) + pin.slice(-4);
}
