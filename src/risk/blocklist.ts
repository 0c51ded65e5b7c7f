import type { Clock } from '../core/clock.js';
import type { Db } from '../store/database.js';
import type { RiskTables } from './tables.js';

export const BLOCKLIST_KINDS = ['seller', 'ip', 'device', 'card', 'merchant'] as const;
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number];

export interface BlocklistEntry {
  kind: BlocklistKind;
  value: string;
  reason: string;
  createdBy: string;
  createdAt: string;
}

/** Blocked sellers, IPs, devices, card fingerprints and merchants. */
export class BlocklistStore {
  private readonly db;
  constructor(db: Db, private readonly clock: Clock) {
    this.db = db.withTables<RiskTables>();
  }

  /** The same list, read inside the caller's transaction. */
  bind(db: Db): BlocklistStore {
    return new BlocklistStore(db, this.clock);
  }

  async add(kind: BlocklistKind, value: string, reason: string, actor: string): Promise<void> {
    await this.db
      .insertInto('risk_blocklist')
      .values({ kind, value, reason, created_by: actor, created_at: this.clock.now().toISOString() })
      .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ reason, created_by: actor }))
      .execute();
  }

  async remove(kind: BlocklistKind, value: string): Promise<boolean> {
    const r = await this.db.deleteFrom('risk_blocklist').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async list(kind?: BlocklistKind): Promise<BlocklistEntry[]> {
    let q = this.db.selectFrom('risk_blocklist').selectAll().orderBy('created_at').orderBy('value');
    if (kind) q = q.where('kind', '=', kind);
    return (await q.execute()).map((r) => ({
      kind: r.kind as BlocklistKind,
      value: r.value,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  /** The entries among `subjects` that are blocked. */
  async match(subjects: Array<{ kind: BlocklistKind; value: string }>): Promise<BlocklistEntry[]> {
    if (subjects.length === 0) return [];
    const rows = await this.db
      .selectFrom('risk_blocklist')
      .selectAll()
      .where((eb) => eb.or(subjects.map((s) => eb.and([eb('kind', '=', s.kind), eb('value', '=', s.value)]))))
      .execute();
    return rows.map((r) => ({ kind: r.kind as BlocklistKind, value: r.value, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at }));
  }
}
