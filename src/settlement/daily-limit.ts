/**
 * Merchant daily settlement limits, reserved atomically: a conditional UPDATE inside the caller's
 * settlement transaction (so a rollback releases it), or a Redis Lua script when Redis is given.
 */
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Db } from '../store/database.js';
import { sdb, type SDb } from './tables.js';
import { numeric, sharedPrecompile } from '../store/precompiled.js';

export interface DailyLimiter {
  /** 'db' reservations live in the transaction; 'redis' ones must be released if it rolls back. */
  readonly kind: 'db' | 'redis';
  reserve(trx: Kysely<unknown> | Db, merchantId: string, day: string, amountFen: number, limitFen: number): Promise<boolean>;
  release(trx: Kysely<unknown> | Db, merchantId: string, day: string, amountFen: number): Promise<void>;
  used(db: Kysely<unknown> | Db, merchantId: string, day: string): Promise<number>;
}

/** The business day in China Standard Time (UTC+8), `YYYY-MM-DD`. */
export function businessDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export const dbDailyLimiter: DailyLimiter = {
  kind: 'db',
  async reserve(trx, merchantId, day, amountFen, limitFen) {
    if (amountFen > limitFen) return false;
    // One statement: create the day's row, or add to it only while the sum stays within the limit.
    const r = await reserveUsage.run(sdb(trx), merchantId, day, amountFen, limitFen);
    return Number(r.numAffectedRows ?? 0) === 1;
  },
  async release(trx, merchantId, day, amountFen) {
    await sdb(trx)
      .updateTable('settlement_daily_usage')
      .set({ used_fen: sql<number>`used_fen - ${amountFen}` })
      .where('merchant_id', '=', merchantId)
      .where('day', '=', day)
      .execute();
  },
  async used(db, merchantId, day) {
    const row = await sdb(db).selectFrom('settlement_daily_usage').select('used_fen').where('merchant_id', '=', merchantId).where('day', '=', day).executeTakeFirst();
    return row ? Number(row.used_fen) : 0;
  },
};

const RESERVE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if used + amount > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBY', KEYS[1], amount)
redis.call('EXPIRE', KEYS[1], 172800)
return 1`;

/** Redis counters (`<prefix>limit:<merchant>:<day>`), for many workers on one Redis. */
export function redisDailyLimiter(redis: Redis, prefix = 'cr:'): DailyLimiter {
  const key = (m: string, d: string) => `${prefix}limit:${m}:${d}`;
  return {
    kind: 'redis',
    async reserve(_trx, merchantId, day, amountFen, limitFen) {
      return (await redis.eval(RESERVE, 1, key(merchantId, day), amountFen, limitFen)) === 1;
    },
    async release(_trx, merchantId, day, amountFen) {
      await redis.decrby(key(merchantId, day), amountFen);
    },
    async used(_db, merchantId, day) {
      return Number((await redis.get(key(merchantId, day))) ?? 0);
    },
  };
}

// Run for every T+0 payout: compiled once.
const reserveUsage = sharedPrecompile<never, SDb>(4, (db, [merchantId, day, amount, limit]) =>
  db.insertInto('settlement_daily_usage')
    .values({ merchant_id: merchantId!, day: day!, used_fen: numeric(amount) })
    .onConflict((oc) =>
      oc.columns(['merchant_id', 'day'])
        .doUpdateSet({ used_fen: sql<number>`settlement_daily_usage.used_fen + ${amount}` })
        .where(sql<number>`settlement_daily_usage.used_fen + ${amount}`, '<=', numeric(limit))));
