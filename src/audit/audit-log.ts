import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { newId } from '../core/ids.js';
import type { AuditLogTable, CoreTables } from '../store/tables.js';
import type { Dialect } from '../store/database.js';

type Executor = Kysely<CoreTables> | Transaction<CoreTables>;

export interface AuditEntry {
  entityType: string;
  entityId: string;
  action: string;
  payload: Record<string, unknown>;
  actor: string;
  at: Date;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash covers every column but the hash itself, the previous hash included: that makes the chain. */
export function auditHash(row: Omit<AuditLogTable, 'hash'>): string {
  const canonical = JSON.stringify([row.seq, row.id, row.entity_type, row.entity_id, row.action, row.payload, row.actor, row.created_at, row.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one entry in the caller's transaction. On PostgreSQL a transaction-scoped advisory lock
 * serialises appenders, so two transactions never chain onto the same predecessor; SQLite has a
 * single writer already.
 */
export async function appendAudit(exec: Executor, dialect: Dialect, entry: AuditEntry): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(7411)`.execute(exec);
  const last = await exec.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row: Omit<AuditLogTable, 'hash'> = {
    seq: (last ? Number(last.seq) : 0) + 1,
    id: newId('aud', entry.at.getTime()),
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    payload: JSON.stringify(entry.payload),
    actor: entry.actor,
    created_at: entry.at.toISOString(),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await exec.insertInto('audit_log').values({ ...row, hash: auditHash(row) }).execute();
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row where the chain breaks, and why. */
  broken?: { seq: number; problem: 'edited' | 'deleted_or_reordered' | 'sequence_gap' };
}

/** Walks the whole chain in pages; any edited, deleted or reordered row breaks it. */
export async function verifyAuditChain(db: Kysely<CoreTables>, onProgress?: (rows: number) => void): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq', 'asc').limit(1000).execute();
    if (page.length === 0) return { ok: true, rows };
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, rows, broken: { seq: expectedSeq, problem: 'sequence_gap' } };
      const { hash, ...rest } = row;
      if (row.prev_hash !== prevHash) return { ok: false, rows, broken: { seq, problem: 'deleted_or_reordered' } };
      if (auditHash({ ...rest, seq }) !== hash) return { ok: false, rows, broken: { seq, problem: 'edited' } };
      prevHash = hash;
      expectedSeq += 1;
      rows += 1;
    }
    onProgress?.(rows);
  }
}
