import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelsCsv } from '../../src/recognition/labels-csv.js';
import { boxOccluded } from '../../training/recognition/photo.js';
import { CARD_H, CARD_W } from '../../training/recognition/card-design.js';

describe('occluded PINs', () => {
  // The card drawn at half size, level, from (100, 50).
  const corners: Array<[number, number]> = [[100, 50], [100 + CARD_W / 2, 50], [100 + CARD_W / 2, 50 + CARD_H / 2], [100, 50 + CARD_H / 2]];
  const pin = { x: 400, y: 420, w: 380, h: 30 }; // card units → photo x 300-490, y 260-275

  it('counts a PIN as occluded only when the occluder reaches its digits', () => {
    expect(boxOccluded({ cx: 480, cy: 268, rx: 20, ry: 30, ang: 0 }, pin, corners)).toBe(true);
    // Over the card's corner, below and right of the digits.
    expect(boxOccluded({ cx: 528, cy: 320, rx: 20, ry: 30, ang: 0 }, pin, corners)).toBe(false);
    expect(boxOccluded(null, pin, corners)).toBe(false);
  });

  it('reads the pin_occluded labels column, and treats its absence as not occluded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    const withColumn = join(dir, 'a.csv');
    writeFileSync(withColumn, 'file,carrier,denomination,serial,pin,pin_occluded\na.jpg,cmcc,50,12345678901234567,123456789012345678,1\nb.jpg,cucc,30,,,0\n');
    expect(readLabelsCsv(withColumn).map((r) => r.pinOccluded)).toEqual([true, false]);
    const without = join(dir, 'b.csv');
    writeFileSync(without, 'file,carrier,denomination\na.jpg,ctcc,100\n');
    expect(readLabelsCsv(without)[0].pinOccluded).toBe(false);
  });
});
