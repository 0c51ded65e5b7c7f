import { describe, expect, it } from 'vitest';
import { cutNumberLines, preparePhoto } from '../../training/recognition/harvest-lines.js';
import { cutValueLines } from '../../training/recognition/harvest-value-lines.js';
import { renderPhoto } from '../../training/recognition/photo.js';
import { READER_H } from '../../src/recognition/reader-patch.js';

describe('line harvest for the line reader and the value reader', () => {
  it('labels the number lines found where the generator printed the card number and PIN with their digits, the big print with the face value, and other lines as nothing', async () => {
    let serialLines = 0; let otherLines = 0; let valueLines = 0; let tallLines = 0;
    for (const i of [0, 1, 2]) {
      const p = await renderPhoto(13, i, { split: 'train', difficulty: 'standard', longSide: 1200 });
      // No classifier corners: the card is found from its number lines alone.
      const card = await preparePhoto(p, async () => null);
      const lines = [...cutNumberLines(card, i), ...cutValueLines(card, i)];
      for (const { line, data } of lines) {
        expect(data.length).toBe(line.width * READER_H);
        expect(line.photo).toBe(i);
        if (line.field === 'serial') { serialLines++; expect(line.label).toBe(p.spec.serial); }
        else if (line.field === 'pin') expect(line.label).toBe(p.spec.pinState === 'revealed' ? p.spec.pin : '');
        else if (line.field === 'value') { valueLines++; expect(line.label).toBe(String(p.spec.denomination)); }
        else if (line.field === 'tall') { tallLines++; expect(line.label).toBe(''); }
        else { otherLines++; expect(line.label).toBe(''); }
      }
    }
    expect(serialLines).toBeGreaterThan(0);
    expect(valueLines).toBeGreaterThan(0);
    // Each photo gives at most one number-like line and two tall lines with nothing to read, and these photos give some.
    expect(otherLines).toBeGreaterThan(0);
    expect(otherLines).toBeLessThanOrEqual(3);
    expect(tallLines).toBeLessThanOrEqual(6);
  }, 60_000);
});
