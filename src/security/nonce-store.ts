import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { CoreTables } from '../store/tables.js';

/**
 * Single-use nonces. Kept a little longer than the ±300 s timestamp window, in Redis (`SET NX EX`)
 * or in the database, so a restart never reopens the window for a replay.
 */
export interface NonceStore {
  /** True the first time a (keyId, nonce) pair is seen; false on every replay. */
  claim(keyId: string, nonce: string, nowSeconds: number): Promise<boolean>;
}

export const NONCE_TTL_SECONDS = 660;
const MAX_ROWS_PER_INSERT = 500;

export class RedisNonceStore implements NonceStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'cr:nonce:') {}
  async claim(keyId: string, nonce: string): Promise<boolean> {
    const ok = await this.redis.set(`${this.prefix}${keyId}:${nonce}`, '1', 'EX', NONCE_TTL_SECONDS, 'NX');
    return ok === 'OK';
  }
}

interface PendingClaim {
  keyId: string;
  nonce: string;
  nowSeconds: number;
  resolve(claimed: boolean): void;
  reject(error: unknown): void;
}

/** How often expired nonces leave the log and the memory. */
const SWEEP_EVERY_SECONDS = 60;

const pairKey = (keyId: string, nonce: string) => `${keyId}\u0000${nonce}`;

/**
 * Nonces in the database as an append-only log (`nonce_log`), checked against an in-memory index
 * of the live ones. A unique index over random nonces made every claim dirty its own B-tree page:
 * ~50 random pages and ~100 WAL writes per group commit, a tenth of a signed read's CPU on SQLite.
 * Appends dirty one or two pages per batch.
 *
 * Claims are group-committed: those that arrive in one turn of the event loop are decided and
 * written in one transaction, and each request is answered only after the commit, so durability is
 * the same as a write per request. The transaction holds the database's write lock (SQLite BEGIN
 * IMMEDIATE, a PostgreSQL table lock) and first reads the rows other processes appended since this
 * one last looked, so several servers on one database still accept each nonce once. A restart
 * reads the log back. Memory: one entry per live nonce (rate × 660 s).
 */
export class DatabaseNonceStore implements NonceStore {
  /** `keyId NUL nonce` → expiry (epoch s); insertion order ≈ expiry order, which the sweep relies on. */
  private readonly live = new Map<string, number>();
  /** The highest log row already in `live`. */
  private seenSeq = 0;
  private lastSweep = 0;
  private pending: PendingClaim[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<CoreTables>, private readonly dialect: Dialect) {}

  claim(keyId: string, nonce: string, nowSeconds: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ keyId, nonce, nowSeconds, resolve, reject });
      this.schedule();
    });
  }

  /**
   * One batch in flight at a time; claims arriving meanwhile wait for the next one. Concurrent
   * batches would only queue on the write lock (on PostgreSQL holding pool connections the reads need).
   */
  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      void this.flush().finally(() => {
        this.scheduled = false;
        this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const nowSeconds = batch.reduce((m, p) => Math.max(m, p.nowSeconds), 0);
    const expires = nowSeconds + NONCE_TTL_SECONDS;
    try {
      const { won, lastSeq } = await this.db.transaction().execute(async (trx) => {
        if (this.dialect === 'postgres') await sql`lock table nonce_log in share row exclusive mode`.execute(trx);
        await this.catchUp(trx, nowSeconds);
        if (nowSeconds - this.lastSweep > SWEEP_EVERY_SECONDS) {
          this.lastSweep = nowSeconds;
          await trx.deleteFrom('nonce_log').where('expires_at', '<', nowSeconds).execute();
          this.forgetExpired(nowSeconds);
        }
        // A pair repeated inside one batch, or still live, is a replay.
        const won = new Map<string, PendingClaim>();
        for (const p of batch) {
          const k = pairKey(p.keyId, p.nonce);
          if (!won.has(k) && !this.isLive(k, nowSeconds)) won.set(k, p);
        }
        const rows = [...won.values()].map((p) => ({ key_id: p.keyId, nonce: p.nonce, expires_at: expires }));
        let lastSeq = 0;
        // Chunks keep each statement under the databases' bound-parameter limits.
        for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
          const inserted = await trx.insertInto('nonce_log').values(rows.slice(i, i + MAX_ROWS_PER_INSERT)).returning('seq').execute();
          for (const r of inserted) lastSeq = Math.max(lastSeq, Number(r.seq));
        }
        return { won, lastSeq };
      });
      // Committed: only now do the claims count, here and in the answers.
      for (const k of won.keys()) this.remember(k, expires);
      this.seenSeq = Math.max(this.seenSeq, lastSeq);
      for (const p of batch) p.resolve(won.get(pairKey(p.keyId, p.nonce)) === p);
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  /** Reads the log rows appended since the last look (all of it after a start). */
  private async catchUp(trx: Kysely<CoreTables>, nowSeconds: number): Promise<void> {
    const rows = await trx.selectFrom('nonce_log').select(['seq', 'key_id', 'nonce', 'expires_at'])
      .where('seq', '>', this.seenSeq).orderBy('seq').execute();
    for (const r of rows) {
      if (Number(r.expires_at) >= nowSeconds) this.remember(pairKey(r.key_id, r.nonce), Number(r.expires_at));
      this.seenSeq = Math.max(this.seenSeq, Number(r.seq));
    }
  }

  private isLive(k: string, nowSeconds: number): boolean {
    return (this.live.get(k) ?? -1) >= nowSeconds;
  }

  private remember(k: string, expires: number): void {
    const known = this.live.get(k);
    if (known !== undefined && known >= expires) return;
    // Re-inserted at the end, so insertion order keeps following expiry.
    this.live.delete(k);
    this.live.set(k, expires);
  }

  /** Drops expired entries from the front; stops at the first live one (the rest expire later). */
  private forgetExpired(nowSeconds: number): void {
    for (const [k, expires] of this.live) {
      if (expires >= nowSeconds) break;
      this.live.delete(k);
    }
  }
}
