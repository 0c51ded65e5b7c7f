import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { Db } from '../store/database.js';
import type { CoreTables } from '../store/tables.js';
import type { RiskTables } from './tables.js';
import { numeric, sharedPrecompile } from '../store/precompiled.js';

/**
 * Atomic, per-order idempotent counters for limits and velocity. `consume` adds `amount` only when
 * the total stays within `limit` (no limit: always adds) and only once per (key, orderId), so a
 * re-run job never counts an order twice. Redis (INCRBY in a Lua script) or the database.
 */
export interface ConsumeResult {
  ok: boolean;
  /** Counter value after the call (unchanged when refused or already counted). */
  value: number;
}

export interface CounterStore {
  /** This store writing inside the given transaction (a store outside the database returns itself). */
  bind(db: Db): CounterStore;
  consume(key: string, orderId: string, amount: number, ttlMs: number, limit?: number): Promise<ConsumeResult>;
  /** Gives back what `orderId` consumed on `key` (no-op if it consumed nothing). */
  release(key: string, orderId: string): Promise<void>;
  get(key: string): Promise<number>;
}

const CONSUME_LUA = `
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {1, tonumber(redis.call('GET', KEYS[1]) or '0')}
end
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local amt = tonumber(ARGV[1])
local lim = tonumber(ARGV[2])
if lim >= 0 and cur + amt > lim then return {0, cur} end
local v = redis.call('INCRBY', KEYS[1], amt)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], amt, 'PX', ARGV[3])
return {1, v}`;

const RELEASE_LUA = `
local amt = redis.call('GET', KEYS[2])
if not amt then return 0 end
redis.call('DEL', KEYS[2])
return redis.call('DECRBY', KEYS[1], tonumber(amt))`;

export class RedisCounterStore implements CounterStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'cr:risk:') {}

  bind(): RedisCounterStore {
    return this;
  }

  private keys(key: string, orderId: string): [string, string] {
    return [`${this.prefix}c:${key}`, `${this.prefix}m:${key}:${orderId}`];
  }

  async consume(key: string, orderId: string, amount: number, ttlMs: number, limit?: number): Promise<ConsumeResult> {
    const [c, m] = this.keys(key, orderId);
    const res = (await this.redis.eval(CONSUME_LUA, 2, c, m, amount, limit ?? -1, Math.max(1, Math.round(ttlMs)))) as [number, number];
    return { ok: res[0] === 1, value: Number(res[1]) };
  }

  async release(key: string, orderId: string): Promise<void> {
    const [c, m] = this.keys(key, orderId);
    await this.redis.eval(RELEASE_LUA, 2, c, m);
  }

  async get(key: string): Promise<number> {
    return Number((await this.redis.get(`${this.prefix}c:${key}`)) ?? 0);
  }
}

type RiskDb = Kysely<CoreTables & RiskTables>;

export class DbCounterStore implements CounterStore {
  private readonly db: RiskDb;
  constructor(db: Db, private readonly clock: Clock) {
    this.db = db.withTables<RiskTables>();
  }

  /** The same counters, written inside the caller's transaction (the risk engine's one per order). */
  bind(db: Db): DbCounterStore {
    return new DbCounterStore(db, this.clock);
  }

  consume(key: string, orderId: string, amount: number, ttlMs: number, limit?: number): Promise<ConsumeResult> {
    return this.atomically(async (trx) => {
      const now = this.clock.now();
      const marked = await insertMark.run(trx, key, orderId, amount, now.toISOString());
      if (Number(marked.numAffectedRows ?? 0) === 0) return { ok: true, value: await this.read(trx, key) };
      const expires = new Date(now.getTime() + ttlMs).toISOString();
      // One statement: create the counter at `amount`, or add to it while it stays within the limit.
      const [row] = limit === undefined ? await addTo.rows(trx, key, amount, expires)
        : amount > limit ? [] : await addWithin.rows(trx, key, amount, expires, limit);
      if (row) return { ok: true, value: Number(row.value) };
      // Refused: take the mark back (not a rollback: the transaction may be the caller's, doing more).
      await trx.deleteFrom('risk_counter_marks').where('counter_key', '=', key).where('order_id', '=', orderId).execute();
      return { ok: false, value: await this.read(trx, key) };
    });
  }

  release(key: string, orderId: string): Promise<void> {
    return this.atomically(async (trx) => {
      const mark = await trx
        .deleteFrom('risk_counter_marks')
        .where('counter_key', '=', key)
        .where('order_id', '=', orderId)
        .returning('amount')
        .executeTakeFirst();
      if (!mark) return;
      await trx.updateTable('risk_counters').set((eb) => ({ value: eb('value', '-', Number(mark.amount)) })).where('key', '=', key).execute();
    });
  }

  /** In the caller's transaction when bound to one, else in a transaction of its own. */
  private atomically<T>(work: (trx: RiskDb) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  async get(key: string): Promise<number> {
    return this.read(this.db, key);
  }

  /** Deletes expired counters and their marks (call from a periodic job). */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now().toISOString();
    const expired = await this.db.selectFrom('risk_counters').select('key').where('expires_at', '<', now).execute();
    for (const { key } of expired) {
      await this.db.deleteFrom('risk_counter_marks').where('counter_key', '=', key).execute();
      await this.db.deleteFrom('risk_counters').where('key', '=', key).execute();
    }
    return expired.length;
  }

  private async read(db: RiskDb, key: string): Promise<number> {
    const [row] = await counterValue.rows(db, key);
    return Number(row?.value ?? 0);
  }
}

// Three counters move for every order: their statements are compiled once.
const insertMark = sharedPrecompile<never, RiskDb>(4, (db, [key, orderId, amount, at]) =>
  db.insertInto('risk_counter_marks')
    .values({ counter_key: key!, order_id: orderId!, amount: numeric(amount), created_at: at! })
    .onConflict((oc) => oc.columns(['counter_key', 'order_id']).doNothing()));
const addTo = sharedPrecompile<{ value: number }, RiskDb>(3, (db, [key, amount, expires]) =>
  db.insertInto('risk_counters')
    .values({ key: key!, value: numeric(amount), expires_at: expires! })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb('risk_counters.value', '+', numeric(amount)) })))
    .returning('value'));
const addWithin = sharedPrecompile<{ value: number }, RiskDb>(4, (db, [key, amount, expires, limit]) =>
  db.insertInto('risk_counters')
    .values({ key: key!, value: numeric(amount), expires_at: expires! })
    .onConflict((oc) => oc.column('key')
      .doUpdateSet((eb) => ({ value: eb('risk_counters.value', '+', numeric(amount)) }))
      .where((eb) => eb(eb('risk_counters.value', '+', numeric(amount)), '<=', numeric(limit))))
    .returning('value'));
const counterValue = sharedPrecompile<{ value: number }, RiskDb>(1, (db, [key]) =>
  db.selectFrom('risk_counters').select('value').where('key', '=', key!));
