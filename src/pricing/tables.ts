/** Pricing's tables (conventions in src/store/tables.ts). Use via `db.withTables<PricingTables>()`. */
// Type aliases, not interfaces: Kysely's withTables<T> needs them to be index-compatible.
export type QuotesTable = {
  id: string; // qte_…
  merchant_id: string | null;
  carrier: string;
  denomination: number;
  price_fen: number; // bigint
  rate: number; // forecast market rate
  model_version: string;
  document: string; // JSON: the full quote as returned
  created_at: string;
  expires_at: string;
};

export type PricingTables = {
  pricing_quotes: QuotesTable;
};
