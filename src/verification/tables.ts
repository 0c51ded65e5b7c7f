/** Verification tables (see src/store/tables.ts for the column conventions). */
export interface VerificationResultsTable {
  order_id: string;
  /** 0 for the first carrier check, 1+ for second verifications and re-verifications. */
  round: number;
  outcome: string;
  actual_denomination: number | null;
  source: string; // channel that answered, or `cache`
  created_at: string;
}

/** Review, dispute and seller-confirmation items that a person (or the seller) resolves. */
export interface ManualItemsTable {
  id: string; // rev_… for reviews and confirmations, dsp_… for disputes
  kind: string; // review | dispute
  stage: string; // risk | invalid_card | denomination_mismatch | seller_confirmation
  order_id: string;
  merchant_id: string;
  status: string; // open | claimed | decided
  /** `kind:order_id` while the item is open or claimed, NULL once decided: one live item per order. */
  open_key: string | null;
  reason: string;
  details: string; // JSON
  claimed_by: string | null;
  claimed_at: string | null;
  decision: string | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Per-order lease: one worker at a time runs an order's pipeline steps (at-least-once delivery). */
export interface VerificationLeasesTable {
  order_id: string;
  owner: string;
  expires_at: string;
}

// A type alias (not an interface) so it satisfies Kysely's withTables constraint.
export type VerificationTables = {
  verification_results: VerificationResultsTable;
  manual_items: ManualItemsTable;
  verification_leases: VerificationLeasesTable;
};
