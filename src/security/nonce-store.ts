import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../store/errors.js';
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

export class RedisNonceStore implements NonceStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'cr:nonce:') {}
  async claim(keyId: string, nonce: string): Promise<boolean> {
    const ok = await this.redis.set(`${this.prefix}${keyId}:${nonce}`, '1', 'EX', NONCE_TTL_SECONDS, 'NX');
    return ok === 'OK';
  }
}

export class DatabaseNonceStore implements NonceStore {
  private lastSweep = 0;
  constructor(private readonly db: Kysely<CoreTables>) {}

  async claim(keyId: string, nonce: string, nowSeconds: number): Promise<boolean> {
    if (nowSeconds - this.lastSweep > 60) {
      this.lastSweep = nowSeconds;
      await this.db.deleteFrom('nonces').where('expires_at', '<', nowSeconds).execute();
    }
    try {
      await this.db.insertInto('nonces').values({ key_id: keyId, nonce, expires_at: nowSeconds + NONCE_TTL_SECONDS }).execute();
      return true;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // An expired row that the sweep has not removed yet does not make a replay: reclaim it.
      const res = await this.db
        .updateTable('nonces')
        .set({ expires_at: nowSeconds + NONCE_TTL_SECONDS })
        .where('key_id', '=', keyId)
        .where('nonce', '=', nonce)
        .where('expires_at', '<', nowSeconds)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    }
  }
}
