import { describe, expect, it } from 'vitest';
import { ewma, EWMA_ALPHA, naive, seasonalNaive } from '../../src/pricing/baselines.js';
import { evaluateForecaster, holdoutStart } from '../../src/pricing/evaluate.js';
import { HORIZON } from '../../src/pricing/features.js';
import type { PriceSeries } from '../../src/pricing/series.js';

const series = (prices: number[]): PriceSeries => ({
  key: 'x:100',
  carrier: 'x',
  denomination: 100,
  dates: prices.map((_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)),
  prices,
});

describe('baselines', () => {
  const p = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it('naive repeats the last value; seasonal naive the value a week before the target', () => {
    expect(naive(p, 9)).toBe(10);
    expect(seasonalNaive(p, 9)).toBe(4); // target index 10, a week earlier is index 3
    expect(seasonalNaive(p, 3)).toBe(4); // not enough history: falls back to naive
  });
  it('ewma smooths with alpha', () => {
    expect(ewma([2, 4], 1)).toBeCloseTo(EWMA_ALPHA * 4 + (1 - EWMA_ALPHA) * 2, 12);
    expect(ewma([5, 5, 5, 5], 3)).toBe(5);
  });
});

describe('evaluation harness', () => {
  it('scores the last 20% one step ahead; a zero-output model equals naive', async () => {
    const prices = Array.from({ length: 200 }, (_, i) => 95 + Math.sin(i / 3) + (i % 7) * 0.1);
    const zero = { predict: async (_x: Float32Array, n: number) => new Float32Array(n * HORIZON) };
    const r = await evaluateForecaster([series(prices)], zero, { level: 0.8, low: Array(HORIZON).fill(-1), high: Array(HORIZON).fill(1) });
    expect(r.n).toBe(200 - holdoutStart(200));
    expect(r.n).toBe(40);
    expect(r.mae).toBeCloseTo(r.baselines.naive.mae, 6);
    expect(r.mape).toBeCloseTo(r.baselines.naive.mape, 6);
    expect(r.mape).toBeLessThan(1); // a fraction, not a percentage
    expect(r.coverage80).toBeGreaterThanOrEqual(0);
  });

  it('never lets the model see the target', async () => {
    const prices = Array.from({ length: 100 }, (_, i) => 50 + i);
    const seen: number[] = [];
    const spy = {
      predict: async (x: Float32Array, n: number) => {
        seen.push(n);
        return new Float32Array(n * HORIZON);
      },
    };
    const r = await evaluateForecaster([series(prices)], spy, { level: 0.8, low: Array(HORIZON).fill(0), high: Array(HORIZON).fill(0) }, { maxHorizon: 1 });
    expect(r.mae).toBeCloseTo(1, 9); // naive is exactly one step behind a unit trend
    expect(seen.reduce((a, b) => a + b, 0)).toBe(20);
  });
});
