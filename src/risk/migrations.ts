import type { Migration } from 'kysely';

/** This domain's tables. Names start with the domain's number range (see src/store/migrate.ts). */
export const migrations: Record<string, Migration> = {
  '2001_risk_tables': {
    async up(db) {
      await db.schema
        .createTable('risk_counters')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('risk_counters_expires_idx').on('risk_counters').column('expires_at').execute();
      await db.schema
        .createTable('risk_counter_marks')
        .addColumn('counter_key', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('risk_counter_marks_pk', ['counter_key', 'order_id'])
        .execute();
      await db.schema
        .createTable('risk_cards_seen')
        .addColumn('card_fingerprint', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('risk_blocklist')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('risk_blocklist_pk', ['kind', 'value'])
        .execute();
      await db.schema
        .createTable('risk_decisions')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db) {
      for (const t of ['risk_decisions', 'risk_blocklist', 'risk_cards_seen', 'risk_counter_marks', 'risk_counters']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  },
};
