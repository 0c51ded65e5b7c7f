import type { Migration } from 'kysely';

/** This domain's tables. Names start with the domain's number range (see src/store/migrate.ts). */
export const migrations: Record<string, Migration> = {
  '1001_verification_tables': {
    async up(db) {
      await db.schema
        .createTable('verification_results')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('actual_denomination', 'integer')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('verification_results_pk', ['order_id', 'round'])
        .execute();
      await db.schema
        .createTable('manual_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('open_key', 'text', (c) => c.unique())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', 'text')
        .addColumn('decision', 'text')
        .addColumn('decision_reason', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('manual_items_status_idx').on('manual_items').columns(['status', 'kind', 'id']).execute();
      await db.schema.createIndex('manual_items_order_idx').on('manual_items').column('order_id').execute();
    },
    async down(db) {
      await db.schema.dropTable('manual_items').ifExists().execute();
      await db.schema.dropTable('verification_results').ifExists().execute();
    },
  },
  '1002_verification_leases': {
    async up(db) {
      await db.schema
        .createTable('verification_leases')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('verification_leases').ifExists().execute();
    },
  },
};
