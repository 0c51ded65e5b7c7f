import type { Kysely, Migration } from 'kysely';

/** This domain's tables (settlement and notify). Names start with 3 (see src/store/migrate.ts). */
export const migrations: Record<string, Migration> = {
  '3001_ledger': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ledger_accounts')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('normal_side', 'text', (c) => c.notNull())
        .addColumn('allow_negative', 'integer', (c) => c.notNull())
        .addColumn('balance_fen', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ledger_entries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idem_key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('reverses_id', 'text', (c) => c.unique())
        .addColumn('memo', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ledger_entries_order').on('ledger_entries').column('order_id').execute();
      await db.schema
        .createTable('ledger_postings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('entry_id', 'text', (c) => c.notNull().references('ledger_entries.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('account_code', 'text', (c) => c.notNull().references('ledger_accounts.code'))
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ledger_postings_entry').on('ledger_postings').column('entry_id').execute();
      await db.schema.createIndex('ledger_postings_account').on('ledger_postings').column('account_code').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('ledger_postings').execute();
      await db.schema.dropTable('ledger_entries').execute();
      await db.schema.dropTable('ledger_accounts').execute();
    },
  },
  '3002_payouts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('payouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().unique())
        .addColumn('out_biz_no', 'text', (c) => c.notNull().unique())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('seller_account', 'text', (c) => c.notNull())
        .addColumn('payee', 'text', (c) => c.notNull())
        .addColumn('gross_fen', 'bigint', (c) => c.notNull())
        .addColumn('fee_fen', 'bigint', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('cycle', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('gateway_order_id', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('paid_at', 'text')
        .execute();
      await db.schema.createIndex('payouts_due').on('payouts').columns(['merchant_id', 'status', 'due_at']).execute();
      await db.schema.createIndex('payouts_created').on('payouts').columns(['merchant_id', 'created_at']).execute();
      await db.schema
        .createTable('settlement_daily_usage')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('used_fen', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('settlement_daily_usage_pk', ['merchant_id', 'day'])
        .execute();
      await db.schema
        .createTable('recon_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('out_biz_no', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recon_items_run').on('recon_items').column('run_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('recon_items').execute();
      await db.schema.dropTable('settlement_daily_usage').execute();
      await db.schema.dropTable('payouts').execute();
    },
  },
  '3003_webhook_deliveries': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .addUniqueConstraint('webhook_deliveries_event_url', ['event_id', 'url'])
        .execute();
      await db.schema.createIndex('webhook_deliveries_order').on('webhook_deliveries').column('order_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('webhook_deliveries').execute();
    },
  },
  /**
   * The dev profile's payout-gateway simulator keeps its state here, so every process of one
   * deployment (serve, workers) talks to the same "Alipay": one transfer per out_biz_no across
   * processes, one bill, one key pair. Empty in production (GATEWAY_URL set).
   */
  '3004_gateway_simulator': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sim_gateway_transfers')
        .addColumn('out_biz_no', 'text', (c) => c.primaryKey())
        .addColumn('gateway_order_id', 'text', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('payee', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trans_date', 'text', (c) => c.notNull())
        .addColumn('notify_url', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sim_gateway_transfers_date').on('sim_gateway_transfers').columns(['status', 'trans_date']).execute();
      await db.schema
        .createTable('sim_gateway_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('public_key_pem', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sim_gateway_keys').execute();
      await db.schema.dropTable('sim_gateway_transfers').execute();
    },
  },
  '3005_monthly_volume': {
    // The fee tier's basis, kept as a running sum: summing every payout of the month for each new
    // order grew with the month (quadratic over it).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settlement_monthly_volume')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull()) // YYYY-MM in China time
        .addColumn('gross_fen', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('settlement_monthly_volume_pk', ['merchant_id', 'month'])
        .execute();
      // Payouts made before this migration, summed once (created_at is UTC; months are China time).
      const t = db as Kysely<{ payouts: { merchant_id: string; created_at: string; gross_fen: number }; settlement_monthly_volume: { merchant_id: string; month: string; gross_fen: number } }>;
      const sums = new Map<string, number>();
      for (const p of await t.selectFrom('payouts').select(['merchant_id', 'created_at', 'gross_fen']).execute()) {
        const month = new Date(Date.parse(p.created_at) + 8 * 3_600_000).toISOString().slice(0, 7);
        const key = `${p.merchant_id}\u0000${month}`;
        sums.set(key, (sums.get(key) ?? 0) + Number(p.gross_fen));
      }
      for (const [key, gross] of sums) {
        const [merchantId, month] = key.split('\u0000') as [string, string];
        await t.insertInto('settlement_monthly_volume').values({ merchant_id: merchantId, month, gross_fen: gross }).execute();
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('settlement_monthly_volume').execute();
    },
  },
};
