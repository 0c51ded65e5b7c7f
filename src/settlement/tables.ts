/**
 * Settlement and notification tables (conventions in src/store/tables.ts: text ids, bigint fen,
 * ISO text timestamps, JSON as text, 0/1 booleans). Widen the shared handle with
 * `db.withTables<SettlementTables>()`.
 */
import type { Db } from '../store/database.js';
import type { Kysely } from 'kysely';

export type LedgerAccountsTable = {
  code: string; // e.g. `seller:mch_1:s42`, `platform:fee_revenue`
  kind: string; // AccountKind
  normal_side: string; // 'debit' | 'credit'
  allow_negative: number; // 0/1
  /** Cached balance on the account's normal side; always equals the sum of its postings. */
  balance_fen: number;
  created_at: string;
};

export type LedgerEntriesTable = {
  id: string; // jrnl_…
  idem_key: string; // unique: one movement per key, ever
  kind: string; // 'accrual' | 'payout' | 'payout_confirm' | 'reversal' | 'annual_fee'
  order_id: string | null;
  reverses_id: string | null; // unique: an entry is reversed at most once
  memo: string;
  created_at: string;
};

export type LedgerPostingsTable = {
  id: string;
  entry_id: string;
  seq: number;
  account_code: string;
  amount_fen: number; // debit > 0, credit < 0
};

export type PayoutsTable = {
  id: string; // pay_…
  order_id: string; // unique: one payout per order
  out_biz_no: string; // unique: the gateway's idempotency key
  merchant_id: string;
  seller_account: string;
  payee: string; // JSON {identity, identityType, name}
  gross_fen: number;
  fee_fen: number;
  amount_fen: number; // what the payee receives: gross - fee
  cycle: string;
  /** scheduled → submitting → succeeded | failed | review */
  status: string;
  due_at: string;
  gateway_order_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  paid_at: string | null;
};

export type DailyUsageTable = {
  merchant_id: string;
  day: string; // YYYY-MM-DD (Asia/Shanghai business day)
  used_fen: number;
};

/** Gross payout volume per merchant and China-time month: the basis of volume-tiered fees. */
export type MonthlyVolumeTable = {
  merchant_id: string;
  month: string; // YYYY-MM
  gross_fen: number;
};

export type ReconItemsTable = {
  id: string;
  run_id: string;
  kind: string; // 'missing_in_gateway' | 'missing_in_ledger' | 'duplicate' | 'mismatch' | 'unknown_payout'
  out_biz_no: string;
  details: string; // JSON
  resolution: string; // 'auto_confirmed' | 'open'
  created_at: string;
};

export type WebhookDeliveriesTable = {
  id: string; // dlv_…
  event_id: string;
  merchant_id: string;
  order_id: string;
  url: string;
  payload: string; // JSON body, exactly as signed and sent
  status: string; // 'pending' | 'delivered' | 'exhausted'
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
};

/** Dev profile: the payout-gateway simulator's transfers (see gateway-sim-store.ts). */
export type SimGatewayTransfersTable = {
  out_biz_no: string;
  gateway_order_id: string;
  amount_fen: number;
  payee: string;
  status: string; // 'SUCCESS' | 'DEALING'
  trans_date: string; // Alipay CST `yyyy-MM-dd HH:mm:ss`
  notify_url: string | null;
  created_at: string;
};

/** Dev profile: the simulator's and our application's generated RSA key pairs ('gateway', 'app'). */
export type SimGatewayKeysTable = {
  name: string;
  private_key_pem: string;
  public_key_pem: string;
  created_at: string;
};

export type SettlementTables = {
  ledger_accounts: LedgerAccountsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_postings: LedgerPostingsTable;
  payouts: PayoutsTable;
  settlement_daily_usage: DailyUsageTable;
  settlement_monthly_volume: MonthlyVolumeTable;
  recon_items: ReconItemsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  sim_gateway_transfers: SimGatewayTransfersTable;
  sim_gateway_keys: SimGatewayKeysTable;
};

export type SDb = Kysely<SettlementTables>;

/** The settlement view of the shared handle (or of a transaction on it). */
export function sdb(db: Db | Kysely<unknown>): SDb {
  return (db as Db).withTables<SettlementTables>() as unknown as SDb;
}
