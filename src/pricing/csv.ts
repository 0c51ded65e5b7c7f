import pl from 'nodejs-polars';
import { AppError } from '../core/errors.js';
import { seriesKey } from './catalog.js';
import type { PriceSeries, VolumeSeries } from './series.js';

/**
 * Reads quote CSVs (`date,carrier,denomination,price`, extra columns ignored) with nodejs-polars.
 * Everything is read as text first so a bad cell is reported with its line number instead of a
 * silently inferred null.
 */
export const invalidCsv = (detail: string) => new AppError('invalid_csv', 422, 'Invalid quote CSV', { detail });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_-]{1,32}$/;

export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function readFrame(source: string | Buffer, required: string[]): pl.DataFrame {
  let df: pl.DataFrame;
  try {
    df = pl.readCSV(source, { inferSchemaLength: 0, hasHeader: true });
  } catch (e) {
    throw invalidCsv(`cannot parse CSV: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const missing = required.filter((c) => !df.columns.includes(c));
  if (missing.length) throw invalidCsv(`missing column(s) ${missing.join(', ')}; expected ${required.join(',')}`);
  if (df.height === 0) throw invalidCsv('no data rows');
  return df;
}

function column(df: pl.DataFrame, name: string): Array<string | null> {
  return df.getColumn(name).toArray() as Array<string | null>;
}

interface Cell {
  date: string;
  carrier: string;
  denomination: number;
  value: number;
}

function parseCells(df: pl.DataFrame, valueColumn: string, allowZero: boolean): Cell[] {
  const dates = column(df, 'date');
  const carriers = column(df, 'carrier');
  const denoms = column(df, 'denomination');
  const values = column(df, valueColumn);
  const out: Cell[] = new Array(df.height);
  for (let i = 0; i < df.height; i++) {
    const line = i + 2; // 1-based, after the header
    const date = (dates[i] ?? '').trim();
    const carrier = (carriers[i] ?? '').trim();
    const denomination = Number((denoms[i] ?? '').trim());
    const rawValue = (values[i] ?? '').trim();
    const value = rawValue === '' ? Number.NaN : Number(rawValue);
    if (!isIsoDate(date)) throw invalidCsv(`line ${line}: bad date "${date}" (want ISO yyyy-mm-dd)`);
    if (!CODE.test(carrier)) throw invalidCsv(`line ${line}: bad carrier "${carrier}"`);
    if (!Number.isFinite(denomination) || denomination <= 0) throw invalidCsv(`line ${line}: bad denomination "${denoms[i] ?? ''}"`);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      throw invalidCsv(`line ${line}: ${valueColumn} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${rawValue}"`);
    }
    out[i] = { date, carrier, denomination, value };
  }
  return out;
}

function group(cells: Cell[]): Map<string, { carrier: string; denomination: number; dates: string[]; values: number[] }> {
  const map = new Map<string, { carrier: string; denomination: number; rows: Array<[string, number]> }>();
  for (const c of cells) {
    const key = seriesKey(c.carrier, c.denomination);
    let g = map.get(key);
    if (!g) map.set(key, (g = { carrier: c.carrier, denomination: c.denomination, rows: [] }));
    g.rows.push([c.date, c.value]);
  }
  const out = new Map<string, { carrier: string; denomination: number; dates: string[]; values: number[] }>();
  for (const [key, g] of map) {
    g.rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (let i = 1; i < g.rows.length; i++) {
      if (g.rows[i][0] === g.rows[i - 1][0]) throw invalidCsv(`duplicate date ${g.rows[i][0]} in series ${key}`);
    }
    out.set(key, { carrier: g.carrier, denomination: g.denomination, dates: g.rows.map((r) => r[0]), values: g.rows.map((r) => r[1]) });
  }
  return out;
}

/** Parses a quote CSV (a path, or the CSV text itself as a Buffer) into one series per (carrier, denomination). */
export function readQuotesCsv(source: string | Buffer): PriceSeries[] {
  const df = readFrame(source, ['date', 'carrier', 'denomination', 'price']);
  const groups = group(parseCells(df, 'price', false));
  return [...groups.entries()].map(([key, g]) => ({ key, carrier: g.carrier, denomination: g.denomination, dates: g.dates, prices: g.values }));
}

/** Parses `date,carrier,denomination,volume`. */
export function readVolumesCsv(source: string | Buffer): VolumeSeries[] {
  const df = readFrame(source, ['date', 'carrier', 'denomination', 'volume']);
  const groups = group(parseCells(df, 'volume', true));
  return [...groups.entries()].map(([key, g]) => ({ key, dates: g.dates, volumes: g.values }));
}
