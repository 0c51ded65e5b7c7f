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

export function parseCardText(lines: OcrLine[], carrier: Carrier): CardText {
  const fmt = CARD_FORMATS[carrier];
  let serial: ReadNumber | null = null;
  let pin: ReadNumber | null = null;
  for (const line of lines) {
    for (const c of candidates(line)) {
      if (c.length === fmt.serialLength && (!serial || line.confidence > serial.confidence)) serial = { value: c, confidence: line.confidence };
      else if (c.length === fmt.pinLength && (!pin || line.confidence > pin.confidence)) pin = { value: c, confidence: line.confidence };
    }
  }
  return { serial, pin };
}

export function maskPin(pin: string): string {
  return '*'.repeat(Math.max(0, pin.length - 4)) + pin.slice(-4);
}
