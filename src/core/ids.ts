import { randomFillSync } from 'node:crypto';

/** Prefixed ids from one helper (DESIGN convention 7): `ord_…`, `pay_…`, `jrnl_…`, `mch_…`. */
export type IdPrefix =
  | 'ord' | 'mch' | 'key' | 'pay' | 'jrnl' | 'job' | 'req' | 'evt' | 'aud' | 'dk' | 'rev' | 'dsp'
  | 'whk' | 'dlv' | 'qte' | 'stl' | 'rcn' | 'bat';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Time-ordered, URL-safe ids: 9 base36 chars of milliseconds then 16 random chars, so ids sort by
 * creation time (cursor pagination relies on that) and are unguessable.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[nextRandomByte() % 36];
  return `${prefix}_${time}${rand}`;
}

// Random bytes are drawn from a pool refilled 4 KiB at a time: one CSPRNG call per 256 ids instead
// of one per id (every request gets an id, so this is on the hot path). Bytes are never reused.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function nextRandomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}
