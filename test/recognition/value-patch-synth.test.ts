import { describe, expect, it } from 'vitest';
import { PATCH_SHEET, concatPatches, renderValuePatches } from '../../training/recognition/value-patch-synth.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';

const shape = { width: 64, height: 24 };
const B = shape.width * shape.height * 3;

describe('synthetic face-value patches', () => {
  it('cycles through every carrier × face value, so any 24 consecutive patches are balanced', async () => {
    const r = await renderValuePatches(3, 0, 48, shape);
    expect(r.n).toBe(48);
    expect(r.crops.length).toBe(48 * B);
    const seen = new Map<string, number>();
    for (let i = 0; i < r.n; i++) {
      const k = `${CARRIERS[r.carrier[i]!]}-${DENOMINATIONS[r.denom[i]!]}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect(seen.size).toBe(CARRIERS.length * DENOMINATIONS.length);
    expect([...seen.values()].every((v) => v === 2)).toBe(true);
  }, 60_000);

  it('draws something on every patch (not a flat colour)', async () => {
    const r = await renderValuePatches(4, 0, 24, shape);
    for (let i = 0; i < r.n; i++) {
      const px = r.crops.subarray(i * B, (i + 1) * B);
      const mean = px.reduce((a, v) => a + v, 0) / px.length;
      const sd = Math.sqrt(px.reduce((a, v) => a + (v - mean) ** 2, 0) / px.length);
      expect(sd).toBeGreaterThan(8);
    }
  }, 60_000);

  it('is reproducible and independent of how a job is split between render workers', async () => {
    const whole = await renderValuePatches(5, 0, 2 * PATCH_SHEET, shape);
    const again = await renderValuePatches(5, 0, 2 * PATCH_SHEET, shape);
    expect(Buffer.from(again.crops).equals(Buffer.from(whole.crops))).toBe(true);
    const split = concatPatches([await renderValuePatches(5, 0, PATCH_SHEET, shape), await renderValuePatches(5, PATCH_SHEET, PATCH_SHEET, shape)]);
    expect(Buffer.from(split.crops).equals(Buffer.from(whole.crops))).toBe(true);
    expect(Array.from(split.denom)).toEqual(Array.from(whole.denom));
  }, 120_000);
});
