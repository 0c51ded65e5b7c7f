import { describe, expect, it } from 'vitest';
import { onGrid, quoteStep } from '../../src/pricing/grid.js';

describe('quote grid', () => {
  it('finds the quoting step from the smallest recent change', () => {
    expect(quoteStep([97, 97, 97.5, 97.5, 97, 98])).toBeCloseTo(0.5, 9);
    expect(quoteStep([9.41, 9.43, 9.42])).toBeCloseTo(0.01, 9);
    expect(quoteStep([10, 10, 10])).toBe(0); // never moved: no grid to snap to
  });

  it('rounds a forecast onto the grid through the last price', () => {
    expect(onGrid(97.2, 97, 0.5)).toBe(97); // less than half a step: unchanged
    expect(onGrid(96.7, 97, 0.5)).toBe(96.5);
    expect(onGrid(96.7, 97, 0)).toBe(96.7);
  });
});
