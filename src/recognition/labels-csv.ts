/**
 * Reads an evaluation labels CSV: file,carrier,denomination[,serial,pin[,pin_occluded]].
 * pin_occluded (1/0, or true/false) marks a revealed PIN that something in the photo partly covers.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.js';
import { isCarrier, isDenomination, type Carrier, type Denomination } from './classes.js';

export interface LabelRow { file: string; carrier: Carrier; denomination: Denomination; serial: string | null; pin: string | null; pinOccluded: boolean }

const bad = (detail: string) => new AppError('invalid_labels', 400, 'Bad request', { detail });

export function readLabelsCsv(path: string): LabelRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AppError('labels_not_found', 404, 'Not found', { detail: `cannot read labels file ${path}`, cause: e });
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) throw bad('labels CSV is empty');
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const col = (name: string) => header.indexOf(name);
  for (const required of ['file', 'carrier', 'denomination']) if (col(required) < 0) throw bad(`labels CSV lacks a "${required}" column`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const carrier = cells[col('carrier')]?.toLowerCase() ?? '';
    const denomination = Number(cells[col('denomination')]);
    if (!isCarrier(carrier)) throw bad(`row ${i + 2}: unknown carrier "${carrier}"`);
    if (!isDenomination(denomination)) throw bad(`row ${i + 2}: unknown denomination "${cells[col('denomination')]}"`);
    const digits = (name: string) => {
      const v = col(name) >= 0 ? (cells[col(name)] ?? '').replace(/\D/g, '') : '';
      return v.length > 0 ? v : null;
    };
    const occluded = col('pin_occluded') >= 0 ? (cells[col('pin_occluded')] ?? '').toLowerCase() : '';
    return { file: cells[col('file')], carrier, denomination, serial: digits('serial'), pin: digits('pin'), pinOccluded: occluded === '1' || occluded === 'true' };
  });
}
