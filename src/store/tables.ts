import type { Generated } from 'kysely';

/**
 * Core tables (orders, merchants, security, audit, queue, idempotency). Conventions every domain's
 * tables follow so one query runs on SQLite and PostgreSQL alike:
 * - ids are text (prefixed, see core/ids.ts); money is integer fen in `bigint` columns;
 * - timestamps are ISO-8601 UTC text (`new Date().toISOString()`), which sorts correctly;
 * - booleans are integers 0/1; JSON documents are text (JSON.stringify).
 */
export interface MerchantsTable {
  id: string;
  name: string;
  status: string;
  settings: string; // JSON: pricing policy, exception policies, fee schedule, settlement cycle, limits
  created_at: string;
}

export interface MerchantKeysTable {
  id: string; // keyId
  merchant_id: string;
  algorithm: string; // 'hmac-sha256' | 'rsa-sha256'
  secret_ciphertext: string | null; // envelope-encrypted HMAC secret
  public_key_pem: string | null;
  status: string;
  created_at: string;
}

/** Append-only; see security/nonce-store.ts. */
export interface NonceLogTable {
  seq: Generated<number>;
  key_id: string;
  nonce: string;
  expires_at: number; // epoch seconds
}

export interface IdempotencyKeysTable {
  merchant_id: string;
  idem_key: string;
  request_hash: string;
  state: string; // 'running' | 'done'
  status_code: number | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface DataKeysTable {
  id: string;
  master_key_id: string;
  wrapped_key: string; // base64 (iv|tag|ciphertext) of the data key under the master key
  created_at: string;
}

export interface OrdersTable {
  id: string;
  merchant_id: string;
  merchant_order_id: string;
  carrier: string;
  denomination: number;
  card_number_masked: string;
  pin_masked: string;
  card_ciphertext: string; // envelope: number and PIN, AES-256-GCM under a per-record data key
  data_key_id: string;
  card_fingerprint: string; // keyed blind index (HMAC) of the normalised card
  status: string;
  reason: string | null;
  quote_fen: number | null;
  settled_fen: number | null;
  notify_url: string | null;
  payout: string | null; // JSON
  context: string; // JSON: seller, ip, device, recognition confidence…
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OrderEventsTable {
  id: string;
  order_id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  details: string; // JSON
  actor: string;
  created_at: string;
}

/** One row (`id` = 'head'): the chain's last seq and hash, HMAC'd with the audit head key. */
export interface AuditHeadTable {
  id: string;
  seq: number;
  hash: string;
  mac: string;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  payload: string; // JSON, never secrets
  actor: string;
  created_at: string;
  prev_hash: string;
  hash: string;
}

export interface JobsTable {
  id: string;
  queue: string;
  name: string;
  data: string; // JSON
  status: string; // waiting | active | completed | failed
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  run_at: number; // epoch ms
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface CoreTables {
  merchants: MerchantsTable;
  merchant_keys: MerchantKeysTable;
  nonce_log: NonceLogTable;
  idempotency_keys: IdempotencyKeysTable;
  data_keys: DataKeysTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  jobs: JobsTable;
}
