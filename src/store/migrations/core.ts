import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/** Core tables; column conventions are in src/store/tables.ts. */
export const coreMigrations: Record<string, Migration> = {
  '0001_merchants_and_security': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('merchants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('merchant_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('secret_ciphertext', 'text')
        .addColumn('public_key_pem', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('nonces')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('nonces_pk', ['key_id', 'nonce'])
        .execute();
      await db.schema.createIndex('nonces_expiry').on('nonces').column('expires_at').execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('idem_key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['merchant_id', 'idem_key'])
        .execute();
      await db.schema.createIndex('idempotency_expiry').on('idempotency_keys').column('expires_at').execute();
      await db.schema
        .createTable('data_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('master_key_id', 'text', (c) => c.notNull())
        .addColumn('wrapped_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down() {},
  },
  '0002_orders': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
        .addColumn('merchant_order_id', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('denomination', 'integer', (c) => c.notNull())
        .addColumn('card_number_masked', 'text', (c) => c.notNull())
        .addColumn('pin_masked', 'text', (c) => c.notNull())
        .addColumn('card_ciphertext', 'text', (c) => c.notNull())
        .addColumn('data_key_id', 'text', (c) => c.notNull())
        .addColumn('card_fingerprint', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('quote_fen', 'bigint')
        .addColumn('settled_fen', 'bigint')
        .addColumn('notify_url', 'text')
        .addColumn('payout', 'text')
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('orders_merchant_order').on('orders').columns(['merchant_id', 'merchant_order_id']).unique().execute();
      // The keyed blind index: one order per physical card, enforced by the database itself.
      await db.schema.createIndex('orders_card_fingerprint').on('orders').column('card_fingerprint').unique().execute();
      await db.schema.createIndex('orders_merchant_id').on('orders').columns(['merchant_id', 'id']).execute();
      await db.schema
        .createTable('order_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_events_order').on('order_events').columns(['order_id', 'id']).execute();
    },
    async down() {},
  },
  '0003_audit_and_jobs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('backoff_ms', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_ready').on('jobs').columns(['queue', 'status', 'run_at']).execute();
    },
    async down() {},
  },
  '0004_card_fingerprint_live_orders': {
    // A card may be submitted again once every earlier order of it was rejected (a PIN typo, a
    // limit reached): unique among the orders that are not rejected, plus a plain index for lookups.
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('orders_card_fingerprint').execute();
      await db.schema.createIndex('orders_card_fingerprint_live').on('orders').column('card_fingerprint').unique()
        .where(sql.ref('status'), '<>', 'rejected').execute();
      await db.schema.createIndex('orders_card_fingerprint').on('orders').column('card_fingerprint').execute();
    },
    async down() {},
  },
  '0005_audit_head': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('mac', 'text', (c) => c.notNull())
        .execute();
    },
    async down() {},
  },
  '0006_nonce_log': {
    // Nonces become an append-only log checked in memory (security/nonce-store.ts): a unique index
    // over random nonces cost one dirtied page per signed request. Live nonces carry over.
    async up(db: Kysely<unknown>) {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('nonce_log')
        .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('nonce_log_expiry').on('nonce_log').column('expires_at').execute();
      await sql`insert into nonce_log (key_id, nonce, expires_at) select key_id, nonce, expires_at from nonces order by expires_at`.execute(db);
      await db.schema.dropTable('nonces').execute();
    },
    async down() {},
  },
};
