import { describe, expect, it } from 'vitest';
import { kyselyQuoteStore } from '../../src/pricing/quote-store.js';
import type { Quote } from '../../src/pricing/types.js';
import { BACKENDS, openTestDatabase } from '../helpers/db.js';

const quote: Quote = {
  quoteId: 'qte_test1', merchantId: 'mch_1', carrier: 'cmcc', denomination: 100, faceValueFen: 10000, priceFen: 9537,
  rate: 0.9537, effectiveRate: 0.9537, low: 0.95, high: 0.957, breakdown: [{ code: 'market_price', label: 'x', amountFen: 9537, rate: 0.9537 }],
  policy: { kind: 'market', premium: 0 }, volatilityIndex: 40, heat: 1.02, modelVersion: 'm1', asOf: '2025-12-31', forecastDate: '2026-01-01',
  createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:10:00.000Z',
};

describe.each(BACKENDS)('quote store on %s', (backend) => {
  it('keeps the quote an order was given', async () => {
    const t = await openTestDatabase(backend);
    try {
      const store = kyselyQuoteStore(t.db);
      await store.save(quote);
      expect(await store.get('qte_test1')).toEqual(quote);
      expect(await store.get('qte_missing')).toBeUndefined();
    } finally {
      await t.cleanup();
    }
  });
});
