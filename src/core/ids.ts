import { randomBytes } from 'node:crypto';

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
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 36];
  return `${prefix}_${time}${rand}`;
}
