import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { newId } from '../core/ids.js';
import type { AuditHeadTable, AuditLogTable, CoreTables } from '../store/tables.js';
import type { Dialect } from '../store/database.js';
import { numeric, precompile } from '../store/precompiled.js';

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

/** The named data key (wrapped by the master key) that authenticates the chain's head. */
export const AUDIT_HEAD_KEY_ID = 'dk_audit_head_v1';

/**
 * A hash chain alone cannot show that its newest rows were deleted: what remains is a valid chain.
 * So every append also stores the head (last seq and hash) with an HMAC under a key the database
 * does not hold in the clear; cutting the tail then needs a forged head, which needs the master key.
 */
export function auditHeadMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`audit-head:v1:${seq}:${hash}`).digest('hex');
}

/** The hash covers every column but the hash itself, the previous hash included: that makes the chain. */
export function auditHash(row: Omit<AuditLogTable, 'hash'>): string {
  const canonical = JSON.stringify([row.seq, row.id, row.entity_type, row.entity_id, row.action, row.payload, row.actor, row.created_at, row.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends entries in the caller's transaction. On PostgreSQL a transaction-scoped advisory lock
 * serialises appenders, so two transactions never chain onto the same predecessor; SQLite has a
 * single writer already. Every order transition appends, so the statements are compiled once.
 */
export class AuditLog {
  private readonly lastRow;
  private readonly insertRow;
  private readonly upsertHead;

  constructor(private readonly deps: { db: Kysely<CoreTables>; dialect: Dialect; headKey?: Buffer }) {
    const { db } = deps;
    this.lastRow = precompile(db, 0, () => db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1));
    const columns = ['seq', 'id', 'entity_type', 'entity_id', 'action', 'payload', 'actor', 'created_at', 'prev_hash', 'hash'] as const;
    this.insertRow = precompile(db, columns.length, (p) =>
      db.insertInto('audit_log').values(Object.fromEntries(columns.map((c, i) => [c, p[i]])) as unknown as AuditLogTable));
    // Placeholders: seq, hash, mac (each used twice: insert and update).
    this.upsertHead = precompile(db, 3, ([seq, hash, mac]) =>
      db.insertInto('audit_head').values({ id: 'head', seq: numeric(seq), hash: hash!, mac: mac! })
        .onConflict((oc) => oc.column('id').doUpdateSet({ seq: numeric(seq), hash: hash!, mac: mac! })));
  }

  async append(exec: Executor, entry: AuditEntry): Promise<void> {
    if (this.deps.dialect === 'postgres') await sql`select pg_advisory_xact_lock(7411)`.execute(exec);
    const [last] = (await this.lastRow.run(exec)).rows;
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
    const hash = auditHash(row);
    await this.insertRow.run(exec, row.seq, row.id, row.entity_type, row.entity_id, row.action, row.payload, row.actor, row.created_at, row.prev_hash, hash);
    if (this.deps.headKey) await this.upsertHead.run(exec, row.seq, hash, auditHeadMac(this.deps.headKey, row.seq, hash));
  }
}

/** One append without a long-lived AuditLog (tests, tools). */
export async function appendAudit(exec: Executor, dialect: Dialect, entry: AuditEntry, headKey?: Buffer): Promise<void> {
  await new AuditLog({ db: exec, dialect, headKey }).append(exec, entry);
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row where the chain breaks, and why. */
  broken?: { seq: number; problem: 'edited' | 'deleted_or_reordered' | 'sequence_gap' | 'truncated' | 'head_forged' | 'head_missing' };
}

export interface VerifyOptions {
  onProgress?: (rows: number) => void;
  /** With the head key, the chain's end is checked too (deleted newest rows). */
  headKey?: Buffer;
}

/** Walks the whole chain in pages; any edited, deleted or reordered row breaks it. */
export async function verifyAuditChain(db: Kysely<CoreTables>, options: VerifyOptions = {}): Promise<AuditVerification> {
  const { onProgress, headKey } = options;
  // The head is read first: rows appended while the walk runs then only lengthen the chain.
  const head = headKey ? await db.selectFrom('audit_head').selectAll().where('id', '=', 'head').executeTakeFirst() : undefined;
  const headSeq = head ? Number(head.seq) : 0;
  let hashAtHead: string | undefined;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const page = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq', 'asc').limit(1000).execute();
    if (page.length === 0) return headKey ? checkHead(headKey, head, rows, hashAtHead) : { ok: true, rows };
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, rows, broken: { seq: expectedSeq, problem: 'sequence_gap' } };
      const { hash, ...rest } = row;
      if (row.prev_hash !== prevHash) return { ok: false, rows, broken: { seq, problem: 'deleted_or_reordered' } };
      if (auditHash({ ...rest, seq }) !== hash) return { ok: false, rows, broken: { seq, problem: 'edited' } };
      prevHash = hash;
      if (seq === headSeq) hashAtHead = hash;
      expectedSeq += 1;
      rows += 1;
    }
    onProgress?.(rows);
  }
}

function checkHead(key: Buffer, head: AuditHeadTable | undefined, rows: number, hashAtHead: string | undefined): AuditVerification {
  if (!head) return rows === 0 ? { ok: true, rows } : { ok: false, rows, broken: { seq: rows, problem: 'head_missing' } };
  const seq = Number(head.seq);
  const expected = Buffer.from(auditHeadMac(key, seq, head.hash), 'hex');
  const given = Buffer.from(head.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, rows, broken: { seq, problem: 'head_forged' } };
  if (seq > rows) return { ok: false, rows, broken: { seq: rows + 1, problem: 'truncated' } };
  // Rows after the head were appended while the walk ran (the chain checked them); the row the head
  // names must be the one it was computed for.
  if (hashAtHead !== head.hash) return { ok: false, rows, broken: { seq, problem: 'head_forged' } };
  return { ok: true, rows };
}

export async function countAuditRows(db: Kysely<CoreTables>): Promise<number> {
  const r = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
