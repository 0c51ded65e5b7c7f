import { describe, expect, it } from 'vitest';
import { correctZeros, looksLikeZero } from '../../src/recognition/zero-check.js';
import type { Gray } from '../../src/recognition/deskew.js';

/** A 40×60 page with one 20×28 glyph drawn from rows of '#' (ink) and '.' (paper), scaled ×1. */
function page(rows: string[]): Gray {
  const w = 40; const h = 60;
  const data = new Uint8Array(w * h).fill(255);
  rows.forEach((r, y) => [...r].forEach((ch, x) => { if (ch === '#') data[(y + 10) * w + x + 10] = 0; }));
  return { data, width: w, height: h };
}
const box = { x0: 10, y0: 10, x1: 21, y1: 25 };

// A dotted zero whose dot blur joined to its sides: two counters, one above the other, and the
// outline a pixel wider where the dot joins (blur spreads it there).
const dottedZero = page([
  '..######....', '.########...', '###....###..', '##......##..', '##......##..', '##......##..',
  '###########.', '###########.', '##......##..', '##......##..', '##......##..', '##......##..',
  '###....###..', '.########...', '..######....', '............',
]);
// An 8: two counters too, but its sides pinch in at the waist.
const eight = page([
  '..######....', '.########...', '###....###..', '##......##..', '##......##..', '.##....##...',
  '..######....', '..######....', '.##....##...', '##......##..', '##......##..', '##......##..',
  '###....###..', '.########...', '..######....', '............',
]);

describe('zero check', () => {
  it('tells a dotted zero with its dot joined to a side from an 8', () => {
    expect(looksLikeZero(dottedZero, box)).toBe(true);
    expect(looksLikeZero(eight, box)).toBe(false);
  });

  it('takes a dotted zero whose joined dot is no wider than its sides for a 0, unless a neighbour\'s ink fills the box', () => {
    const rows = [
      '..######....', '.########...', '###....###..', '##......##..', '##......##..', '##......##..',
      '##########..', '##########..', '##......##..', '##......##..', '##......##..', '##......##..',
      '###....###..', '.########...', '..######....', '............',
    ];
    expect(looksLikeZero(page(rows), box)).toBe(true);
    // The neighbours' strokes just beside the box: the outline spans it from edge to edge.
    const crowded = page(rows);
    for (let y = 10; y < 26; y++) for (const x of [box.x0 - 1, box.x1 + 1]) crowded.data[y * crowded.width + x] = 0;
    expect(looksLikeZero(crowded, box)).toBe(false);
  });

  it('rewrites a 6 or 8 whose glyph is a zero, in the word and the line text', () => {
    const line = { text: '46 5', confidence: 0.9, words: [
      { text: '46', confidence: 0.9, height: 16, symbols: [{ text: '4', bbox: { x0: 30, y0: 10, x1: 38, y1: 25 } }, { text: '6', bbox: box }] },
      { text: '5', confidence: 0.9, height: 16, symbols: [{ text: '5', bbox: { x0: 30, y0: 30, x1: 38, y1: 45 } }] },
    ] };
    const [fixed] = correctZeros([line], dottedZero);
    expect(fixed.text).toBe('40 5');
    expect(fixed.words?.[0].text).toBe('40');
    const [kept] = correctZeros([line], eight);
    expect(kept).toBe(line);
  });
});
