import { sql, type Kysely, type Migration } from 'kysely';

/** This domain's tables. Names start with the domain's number range (see src/store/migrate.ts). */
export const migrations: Record<string, Migration> = {
  '4001_quotes': {
    // Quotes are kept so an order can be priced at the quote it was given, not today's price.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pricing_quotes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('denomination', 'integer', (c) => c.notNull())
        .addColumn('price_fen', 'bigint', (c) => c.notNull())
        .addColumn('rate', sql`double precision`, (c) => c.notNull())
        .addColumn('model_version', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pricing_quotes_merchant_idx').on('pricing_quotes').columns(['merchant_id', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('pricing_quotes').execute();
    },
  },
};
