/**
 * What a development run (dev-run.ts) found, from its records: exact-match counts, the photos a
 * change moved against an earlier run, and what the reads held where a revealed PIN was missed.
 */
import { readFileSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';
import type { LabelRow } from '../../src/recognition/labels-csv.js';
import type { OcrRead } from '../../src/recognition/recognizer.js';
import { digitsOf, parseCardText } from '../../src/recognition/card-text.js';
import type { Carrier } from '../../src/recognition/classes.js';

/** One photo of a run: its labels and what the pipeline said (or the error it gave). */
export interface DevRecord {
  file: string;
  truth: Omit<LabelRow, 'file'>;
  read?: { carrier: string; denomination: number; confidence: number; needsReview: boolean; serial: string | null; pin: string | null; serialConfidence?: number | null; pinConfidence?: number | null; ocrReads: OcrRead[] };
  error?: string;
}

/** A saved run's records (dev-run.ts --out: one JSON record a line). */
export const readRun = (path: string): DevRecord[] =>
  readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DevRecord);

/**
 * The record with its card number and PIN parsed again from its recorded reads (the value reader's
 * left out, as serving leaves them out of the number vote) for the carrier it decided: a change to
 * the vote (card-text.ts) can be screened on saved runs in seconds, before a real run confirms it.
 * The review flag is not recomputed. A record without reads comes back as it was.
 */
export function reparsed(r: DevRecord): DevRecord {
  if (!r.read) return r;
  const text = parseCardText(r.read.ocrReads.filter((l) => l.reader !== 'value'), r.read.carrier as Carrier);
  return { ...r, read: { ...r.read, serial: text.serial?.value ?? null, pin: text.pin?.value ?? null, serialConfidence: text.serial?.confidence ?? null, pinConfidence: text.pin?.confidence ?? null } };
}

export type Field = 'faceValue' | 'serial' | 'pin';
const FIELDS: Field[] = ['faceValue', 'serial', 'pin'];

/** Whether the run got `field` right on this photo; null where the field is not scored (no card number, a covered or unrevealed PIN). */
export function scored(r: DevRecord, field: Field): boolean | null {
  const { truth, read } = r;
  if (field === 'faceValue') return read !== undefined && read.carrier === truth.carrier && read.denomination === truth.denomination;
  if (field === 'serial') return truth.serial ? read?.serial === truth.serial : null;
  return truth.pin && !truth.pinOccluded ? read?.pin === truth.pin : null;
}

/**
 * `confidentlyWrong`: wrong face values not flagged for review; `pinsWrongUnflagged`: photos not
 * flagged whose PIN is wrong, or given where none is revealed (a covered panel's made-up digits).
 */
export interface RunSummary { photos: number; failures: number; right: Record<Field, number>; of: Record<Field, number>; confidentlyWrong: string[]; pinsWrongUnflagged: string[] }

export function summarise(records: DevRecord[]): RunSummary {
  const right = { faceValue: 0, serial: 0, pin: 0 }; const of = { faceValue: 0, serial: 0, pin: 0 };
  for (const r of records) for (const f of FIELDS) {
    const s = scored(r, f);
    if (s === null) continue;
    of[f]++;
    if (s) right[f]++;
  }
  // A wrong face value the pipeline did not flag is what would pay the wrong price.
  const confidentlyWrong = records.filter((r) => r.read && !r.read.needsReview && !scored(r, 'faceValue')).map((r) => r.file);
  // A covered or partly covered PIN is not scored, but a PIN given for one that is not revealed at all is wrong.
  const pinsWrongUnflagged = records.filter((r) => r.read && !r.read.needsReview && r.read.pin !== null
    && (r.truth.pin ? !r.truth.pinOccluded && r.read.pin !== r.truth.pin : true)).map((r) => r.file);
  return { photos: records.length, failures: records.filter((r) => r.error).length, right, of, confidentlyWrong, pinsWrongUnflagged };
}

export interface Change { file: string; field: Field; gained: boolean }

/** Photos in both runs whose face value, card number or PIN went from wrong to right (gained) or back. */
export function compareRuns(base: DevRecord[], next: DevRecord[]): Change[] {
  const before = new Map(base.map((r) => [r.file, r]));
  const out: Change[] = [];
  for (const r of next) {
    const b = before.get(r.file);
    if (!b) continue;
    for (const field of FIELDS) {
      const was = scored(b, field); const is = scored(r, field);
      if (was !== null && is !== null && was !== is) out.push({ file: r.file, field, gained: is });
    }
  }
  return out;
}

/**
 * Why a revealed PIN was missed: some read line was exactly it (the vote chose another), held it
 * inside a longer read, came within one or within three edits of it, or nothing came near.
 */
export type PinMiss = 'read, outvoted' | 'inside a longer read' | 'one edit away' | 'two or three edits away' | 'never read';

export function pinMiss(r: DevRecord): PinMiss | null {
  const pin = r.truth.pin;
  if (!pin || r.truth.pinOccluded || scored(r, 'pin') !== false) return null;
  const digits = (r.read?.ocrReads ?? []).map(digitsOf).filter((d) => d.length > 0);
  if (digits.includes(pin)) return 'read, outvoted';
  if (digits.some((d) => d.includes(pin))) return 'inside a longer read';
  const nearest = Math.min(Infinity, ...digits.map((d) => distance(d, pin)));
  if (nearest <= 1) return 'one edit away';
  if (nearest <= 3) return 'two or three edits away';
  return 'never read';
}

/** The missed PINs by kind, each kind split by whether the card number was right. */
export function pinMisses(records: DevRecord[]): Array<{ kind: PinMiss; serialRight: number; serialWrong: number; files: string[] }> {
  const byKind = new Map<PinMiss, { kind: PinMiss; serialRight: number; serialWrong: number; files: string[] }>();
  for (const r of records) {
    const kind = pinMiss(r);
    if (!kind) continue;
    const k = byKind.get(kind) ?? { kind, serialRight: 0, serialWrong: 0, files: [] };
    if (scored(r, 'serial')) k.serialRight++; else k.serialWrong++;
    k.files.push(r.file);
    byKind.set(kind, k);
  }
  return [...byKind.values()].sort((a, b) => b.files.length - a.files.length);
}
