import { describe, expect, it } from 'vitest';
import { simulateMarket } from '../../training/pricing/simulate.js';

describe('market simulator', () => {
  const opts = { seed: 7, start: '2024-01-01', days: 120 };

  it('is deterministic for a seed and differs across seeds', () => {
    const a = simulateMarket(opts);
    const b = simulateMarket(opts);
    expect(a).toEqual(b);
    const c = simulateMarket({ ...opts, seed: 8 });
    expect(c.map((r) => r.price)).not.toEqual(a.map((r) => r.price));
  });

  it('covers 3 carriers × 8 denominations daily, with plausible levels and volumes', () => {
    const rows = simulateMarket(opts);
    expect(rows).toHaveLength(3 * 8 * 120);
    for (const r of rows) {
      const rate = r.price / r.denomination;
      expect(rate).toBeGreaterThanOrEqual(0.88);
      expect(rate).toBeLessThanOrEqual(0.995);
      expect(Math.round(r.price * 100) / 100).toBe(r.price);
      expect(Number.isInteger(r.volume) && r.volume >= 0).toBe(true);
    }
    const mean = rows.reduce((a, r) => a + r.price / r.denomination, 0) / rows.length;
    expect(mean).toBeGreaterThan(0.92);
    expect(mean).toBeLessThan(0.98);
  });

  it('has weekly structure: weekends sell cheaper and busier', () => {
    const rows = simulateMarket({ seed: 3, start: '2024-01-01', days: 364 });
    const byDow = (weekend: boolean) => rows.filter((r) => [0, 6].includes(new Date(r.date).getUTCDay()) === weekend);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(byDow(true).map((r) => r.price / r.denomination))).toBeLessThan(avg(byDow(false).map((r) => r.price / r.denomination)));
    expect(avg(byDow(true).map((r) => r.volume))).toBeGreaterThan(avg(byDow(false).map((r) => r.volume)));
  });
});
