/** Risk tables (see src/store/tables.ts for the column conventions). */
export interface RiskCountersTable {
  key: string;
  value: number; // bigint: fen for amount counters, a count for velocity counters
  expires_at: string;
}

/** Which order already moved which counter: makes counting idempotent per order. */
export interface RiskCounterMarksTable {
  counter_key: string;
  order_id: string;
  amount: number;
  created_at: string;
}

export interface RiskCardsSeenTable {
  card_fingerprint: string;
  order_id: string;
  created_at: string;
}

export interface RiskBlocklistTable {
  kind: string; // seller | ip | device | card | merchant
  value: string;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface RiskDecisionsTable {
  order_id: string;
  decision: string; // approve | review | reject
  reasons: string; // JSON RiskReason[]
  created_at: string;
}

// A type alias (not an interface) so it satisfies Kysely's withTables constraint.
export type RiskTables = {
  risk_counters: RiskCountersTable;
  risk_counter_marks: RiskCounterMarksTable;
  risk_cards_seen: RiskCardsSeenTable;
  risk_blocklist: RiskBlocklistTable;
  risk_decisions: RiskDecisionsTable;
};
