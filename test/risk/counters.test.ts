import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { DbCounterStore, RedisCounterStore, type CounterStore } from '../../src/risk/index.js';
import { BACKENDS, REDIS_URL, type TestDatabase } from '../helpers/db.js';
import { openTestDatabase } from '../helpers/db.js';

function counterContract(name: string, make: () => Promise<{ store: CounterStore; done: () => Promise<void> }>) {
  describe(`${name} counters`, () => {
    let store: CounterStore;
    let done: () => Promise<void>;
    beforeEach(async () => ({ store, done } = await make()));
    afterEach(async () => done());

    it('never passes the limit under concurrency', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.consume('day:seller:s1', `ord_${i}`, 100, 60_000, 1_000)));
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(await store.get('day:seller:s1')).toBe(1_000);
    });

    it('counts an order once and releases what it consumed', async () => {
      expect(await store.consume('k', 'ord_a', 300, 60_000, 1_000)).toEqual({ ok: true, value: 300 });
      expect(await store.consume('k', 'ord_a', 300, 60_000, 1_000)).toEqual({ ok: true, value: 300 });
      expect((await store.consume('k', 'ord_b', 800, 60_000, 1_000)).ok).toBe(false);
      await store.release('k', 'ord_a');
      await store.release('k', 'ord_a');
      expect(await store.get('k')).toBe(0);
      expect(await store.consume('k', 'ord_b', 800, 60_000, 1_000)).toEqual({ ok: true, value: 800 });
      expect(await store.consume('v', 'ord_c', 1, 60_000)).toEqual({ ok: true, value: 1 });
    });
  });
}

for (const backend of BACKENDS) {
  counterContract(`database (${backend})`, async () => {
    const db: TestDatabase = await openTestDatabase(backend);
    return { store: new DbCounterStore(db.db, new ManualClock()), done: () => db.cleanup() };
  });
}

describe('redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });
  counterContract('redis', async () => {
    const prefix = `test:risk:${randomBytes(6).toString('hex')}:`;
    return {
      store: new RedisCounterStore(redis, prefix),
      done: async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
      },
    };
  });
});
