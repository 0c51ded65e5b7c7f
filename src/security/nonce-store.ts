import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
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
  resolve(claimed: boolean): void;
  reject(error: unknown): void;
}

/**
 * Nonces in the database, written by group commit: the claims that arrive in one turn of the event
 * loop are inserted by one statement in one transaction, and each request is answered only after
 * that commit, so durability is the same as a write per request. One commit per request was most of
 * the signed read path's cost on SQLite (each commit is ~20 system calls of WAL writes and locks).
 *
 * The upsert reclaims an expired row the sweep has not removed yet (that is not a replay) and leaves
 * a live one alone; RETURNING says which pairs were claimed.
 */
export class DatabaseNonceStore implements NonceStore {
  private lastSweep = 0;
  private pending: PendingClaim[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<CoreTables>) {}

  claim(keyId: string, nonce: string, nowSeconds: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ keyId, nonce, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush(nowSeconds));
    });
  }

  private async flush(nowSeconds: number): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    // A pair repeated inside one batch: the first one claims it, the rest are replays.
    const first = new Map<string, PendingClaim>();
    const replays: PendingClaim[] = [];
    for (const p of batch) {
      const k = `${p.keyId}\u0000${p.nonce}`;
      if (first.has(k)) replays.push(p);
      else first.set(k, p);
    }
    try {
      const claimed = await this.db.transaction().execute(async (trx) => {
        if (nowSeconds - this.lastSweep > 60) {
          this.lastSweep = nowSeconds;
          await trx.deleteFrom('nonces').where('expires_at', '<', nowSeconds).execute();
        }
        const expires = nowSeconds + NONCE_TTL_SECONDS;
        const rows = [...first.values()].map((p) => ({ key_id: p.keyId, nonce: p.nonce, expires_at: expires }));
        const won: Array<{ key_id: string; nonce: string }> = [];
        // Chunks keep each statement under the databases' bound-parameter limits.
        for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
          won.push(...(await trx
            .insertInto('nonces')
            .values(rows.slice(i, i + MAX_ROWS_PER_INSERT))
            .onConflict((oc) => oc.columns(['key_id', 'nonce']).doUpdateSet({ expires_at: expires }).where('nonces.expires_at', '<', nowSeconds))
            .returning(['key_id', 'nonce'])
            .execute()));
        }
        return won;
      });
      const won = new Set(claimed.map((r) => `${r.key_id}\u0000${r.nonce}`));
      for (const [k, p] of first) p.resolve(won.has(k));
      for (const p of replays) p.resolve(false);
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
