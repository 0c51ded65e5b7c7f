import { describe, expect, it } from 'vitest';
import { readQuotesCsv } from '../../src/pricing/csv.js';
import { FEATURES, HORIZON, WINDOW, seriesContext, writeWindow } from '../../src/pricing/features.js';
import { forecastSeries } from '../../src/pricing/forecaster.js';
import { peersOf } from '../../src/pricing/series.js';

describe('served forecasts', () => {
  it('see exactly the window the evaluation scores (the served history is cut short, the features are not)', async () => {
    const all = readQuotesCsv('datasets/quotes.csv');
    for (const s of [all[0], all[9], all[23]]) {
      const peers = peersOf(s, all);
      const t = s.prices.length - 1;
      const expected = new Float32Array(WINDOW * FEATURES);
      writeWindow(seriesContext(s.dates, s.prices, peers), t, expected);
      let seen: Float32Array | undefined;
      const spy = { predict: async (x: Float32Array, n: number) => ((seen = x.slice(0, n * WINDOW * FEATURES)), new Float32Array(n * HORIZON)) };
      const f = await forecastSeries(spy, { level: 0.8, low: Array(HORIZON).fill(0), high: Array(HORIZON).fill(0) }, s, 1, peers);
      expect(Array.from(seen ?? [])).toEqual(Array.from(expected));
      expect(f.points[0].rate).toBeCloseTo(s.prices[t] / s.denomination, 6); // zero output = naive
    }
  });
});
