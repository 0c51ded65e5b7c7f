/**
 * OCR most often drops or adds the last zero of a face value (500 read as 50, 10 as 100), and
 * the big print's height weight then outvotes the small print that read it right. When both
 * members of such a pair were read, the one seen on more distinct printed rows (big print,
 * "¥500", "面值 500 元") takes the pair's votes; on a tie the longer reading does. Only on-card print
 * counts as a row.
 */
import { DENOMINATIONS, type Denomination } from './classes.js';

export interface Sighting { value: Denomination; row: string }

/** Share of the losing reading's votes kept, so a close call still reads as uncertain. */
const KEEP = 0.15;

export function resolveTrailingZero(votes: Map<Denomination, number>, sightings: Sighting[]): void {
  const rows = (d: Denomination) => new Set(sightings.filter((s) => s.value === d).map((s) => s.row)).size;
  for (const short of DENOMINATIONS) {
    const long = DENOMINATIONS.find((d) => d === short * 10);
    if (long === undefined) continue;
    const vs = votes.get(short) ?? 0;
    const vl = votes.get(long) ?? 0;
    if (vs === 0 || vl === 0) continue;
    const rs = rows(short);
    const rl = rows(long);
    if (rs + rl === 0) continue; // seen only off the card
    // On a tie the longer reading wins: a print loses a faint trailing zero more often than
    // OCR invents one, so an extra "0" seen on some row is rarely noise.
    const [win, lose] = rl >= rs ? [long, short] : [short, long];
    const moved = (votes.get(lose) ?? 0) * (1 - KEEP);
    votes.set(win, (votes.get(win) ?? 0) + moved);
    votes.set(lose, (votes.get(lose) ?? 0) - moved);
  }
}
