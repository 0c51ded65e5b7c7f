import type { Db } from '../store/database.js';
import type { Quote } from './types.js';
import type { PricingTables } from './tables.js';

/** Where issued quotes are kept, so an order can be held to the quote it was given. */
export interface QuoteStore {
  save(quote: Quote): Promise<void>;
  get(id: string): Promise<Quote | undefined>;
}

/** Bounded in-memory store (dev, tests, bench). */
export function memoryQuoteStore(limit = 10_000): QuoteStore {
  const map = new Map<string, Quote>();
  return {
    async save(q) {
      map.set(q.quoteId, q);
      if (map.size > limit) map.delete(map.keys().next().value as string);
    },
    async get(id) {
      return map.get(id);
    },
  };
}

export function kyselyQuoteStore(db: Db): QuoteStore {
  const tdb = db.withTables<PricingTables>();
  return {
    async save(q) {
      await tdb
        .insertInto('pricing_quotes')
        .values({
          id: q.quoteId,
          merchant_id: q.merchantId ?? null,
          carrier: q.carrier,
          denomination: q.denomination,
          price_fen: q.priceFen,
          rate: q.rate,
          model_version: q.modelVersion,
          document: JSON.stringify(q),
          created_at: q.createdAt,
          expires_at: q.expiresAt,
        })
        .execute();
    },
    async get(id) {
      const row = await tdb.selectFrom('pricing_quotes').select('document').where('id', '=', id).executeTakeFirst();
      return row ? (JSON.parse(row.document) as Quote) : undefined;
    },
  };
}
