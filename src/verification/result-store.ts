import type { Clock } from '../core/clock.js';
import type { Db } from '../store/database.js';
import { numeric, precompile } from '../store/precompiled.js';
import { isVerifyOutcome, type VerifyOutcome } from './carrier.js';
import type { VerificationTables } from './tables.js';

export interface StoredVerification {
  orderId: string;
  round: number;
  outcome: VerifyOutcome;
  actualDenomination?: number;
  source: string;
  createdAt: string;
}

/** What the carrier said about an order, per round: lets a re-run job skip the carrier call. */
export class VerificationResultStore {
  private readonly db;
  // Each order's carrier step saves a round and reads it back, and pricing reads the latest: compiled once.
  private readonly insertRow;
  private readonly roundRow;
  private readonly latestRow;
  constructor(db: Db, private readonly clock: Clock) {
    const vdb = (this.db = db.withTables<VerificationTables>());
    this.insertRow = precompile(vdb, 6, ([orderId, round, outcome, actual, source, at]) =>
      vdb.insertInto('verification_results')
        .values({ order_id: orderId!, round: numeric(round), outcome: outcome!, actual_denomination: numeric(actual), source: source!, created_at: at! })
        .onConflict((oc) => oc.columns(['order_id', 'round']).doNothing()));
    this.roundRow = precompile(vdb, 2, ([orderId, round]) =>
      vdb.selectFrom('verification_results').selectAll().where('order_id', '=', orderId!).where('round', '=', numeric(round)));
    this.latestRow = precompile(vdb, 1, ([orderId]) =>
      vdb.selectFrom('verification_results').selectAll().where('order_id', '=', orderId!).orderBy('round', 'desc').limit(1));
  }

  /** Stores the answer of a round unless one is stored already; returns the stored one. */
  async save(orderId: string, round: number, r: { outcome: VerifyOutcome; actualDenomination?: number; source: string }): Promise<StoredVerification> {
    await this.insertRow(orderId, round, r.outcome, r.actualDenomination ?? null, r.source, this.clock.now().toISOString());
    const stored = await this.get(orderId, round);
    if (!stored) throw new Error(`verification result of ${orderId} round ${round} vanished`);
    return stored;
  }

  async get(orderId: string, round: number): Promise<StoredVerification | undefined> {
    const [row] = await this.roundRow(orderId, round);
    return row ? toStored(row) : undefined;
  }

  async latest(orderId: string): Promise<StoredVerification | undefined> {
    const [row] = await this.latestRow(orderId);
    return row ? toStored(row) : undefined;
  }
}

function toStored(row: { order_id: string; round: number; outcome: string; actual_denomination: number | null; source: string; created_at: string }): StoredVerification {
  if (!isVerifyOutcome(row.outcome)) throw new Error(`unknown stored outcome ${row.outcome}`);
  return {
    orderId: row.order_id,
    round: Number(row.round),
    outcome: row.outcome,
    ...(row.actual_denomination === null ? {} : { actualDenomination: Number(row.actual_denomination) }),
    source: row.source,
    createdAt: row.created_at,
  };
}
