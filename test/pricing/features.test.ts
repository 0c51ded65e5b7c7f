import { describe, expect, it } from 'vitest';
import { FEATURES, WINDOW, seriesContext, writeWindow } from '../../src/pricing/features.js';
import { circulationHeat, volatilityIndex } from '../../src/pricing/indicators.js';

const dates = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
const prices = dates.map((_, i) => 95 + Math.sin(i / 2) * 0.4 + (i % 7 === 5 ? -0.3 : 0));

describe('window features', () => {
  it('are invariant to the price scale, so any positive series looks alike', () => {
    const a = new Float32Array(WINDOW * FEATURES);
    const b = new Float32Array(WINDOW * FEATURES);
    writeWindow(seriesContext(dates, prices), 100, a);
    writeWindow(seriesContext(dates, prices.map((p) => p * 1234.5)), 100, b);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 3);
  });

  it('stay finite for a flat series and at the very start of a series', () => {
    const flat = dates.map(() => 10);
    const w = new Float32Array(WINDOW * FEATURES);
    writeWindow(seriesContext(dates, flat), 119, w);
    writeWindow(seriesContext(dates, prices), 2, w);
    expect(w.every(Number.isFinite)).toBe(true);
  });
});

describe('predictive fields', () => {
  it('volatility index is 0..100 and higher after a turbulent stretch', () => {
    const calm = prices.slice();
    const wild = prices.map((p, i) => (i > 100 ? p + (i % 2 ? 2 : -2) : p));
    const vCalm = volatilityIndex(seriesContext(dates, calm));
    const vWild = volatilityIndex(seriesContext(dates, wild));
    expect(vCalm).toBeGreaterThanOrEqual(0);
    expect(vWild).toBeLessThanOrEqual(100);
    expect(vWild).toBeGreaterThan(vCalm);
  });

  it('circulation heat compares the last week with its baseline', () => {
    const base = Array.from({ length: 100 }, () => 100);
    expect(circulationHeat(base)).toBe(1);
    expect(circulationHeat([...base, ...Array(7).fill(150)])).toBe(1.5);
    expect(circulationHeat(undefined)).toBeNull();
  });
});
