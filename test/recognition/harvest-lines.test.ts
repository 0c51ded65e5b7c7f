import { describe, expect, it } from 'vitest';
import { harvestPhotoLines } from '../../training/recognition/harvest-lines.js';
import { renderPhoto } from '../../training/recognition/photo.js';
import { READER_H } from '../../src/recognition/reader-patch.js';

describe('line harvest for the line reader', () => {
  it('labels the number lines found where the generator printed the card number and PIN with their digits, and one other line as nothing', async () => {
    let serialLines = 0; let otherLines = 0;
    for (const i of [0, 1, 2]) {
      const p = await renderPhoto(13, i, { split: 'train', difficulty: 'standard', longSide: 1200 });
      // No classifier corners: the card is found from its number lines alone.
      const lines = await harvestPhotoLines(p, async () => null, i);
      for (const { line, data } of lines) {
        expect(data.length).toBe(line.width * READER_H);
        expect(line.photo).toBe(i);
        if (line.field === 'serial') { serialLines++; expect(line.label).toBe(p.spec.serial); }
        else if (line.field === 'pin') expect(line.label).toBe(p.spec.pinState === 'revealed' ? p.spec.pin : '');
        else { otherLines++; expect(line.label).toBe(''); }
      }
    }
    expect(serialLines).toBeGreaterThan(0);
    // Each photo gives at most one line with nothing to read, and these photos give some.
    expect(otherLines).toBeGreaterThan(0);
    expect(otherLines).toBeLessThanOrEqual(3);
  }, 60_000);
});
