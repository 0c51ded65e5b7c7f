import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { DatabaseQueue } from '../../src/queue/index.js';
import { VERIFY_JOB, createVerificationStack } from '../../src/verification/index.js';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { FakeOrders, silentLogger } from './fakes.js';
import { openTestDatabase as openIsolatedTestDatabase } from '../helpers/db.js';

/** The pipeline on the real durable queue: faults cost retries, never orders or double steps. */
for (const backend of BACKENDS) {
  describe(`verification jobs on the database queue (${backend})`, () => {
    let db: TestDatabase;
    let queue: DatabaseQueue;
    beforeEach(async () => {
      db = await openIsolatedTestDatabase(backend);
      queue = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger: silentLogger, queue: `vtest_${Date.now()}`, pollMs: 20 });
    });
    afterEach(async () => {
      await queue.close();
      await db.cleanup();
    });

    it('prices every good card exactly once despite carrier faults and duplicate deliveries', async () => {
      const orders = new FakeOrders();
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const stack = createVerificationStack({
        db: db.db, clock: systemClock, logger: silentLogger, registry: new Registry(), orders, queue,
        pricer: async (o) => ({ quoteFen: o.denomination * 90, details: {} }),
        merchantSettings: async () => ({}),
        simulator: { channels: { primary: { transientErrorRate: 0.2, timeoutRate: 0.05 }, backup: { transientErrorRate: 0.2 } }, hangMs: 5_000, random },
        resilience: { timeoutMs: 50, initialDelayMs: 1, maxDelayMs: 5 },
      });
      stack.registerJobs();
      const endings = ['5678', '4444', '3333', '9999'];
      const ids: string[] = [];
      for (let i = 0; i < 16; i++) {
        const o = orders.add({ cardPin: `12345678901234${endings[i % 4]}`, cardNumber: `2000000000000${String(i).padStart(4, '0')}` });
        ids.push(o.id);
        await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}`, attempts: 6, backoffMs: 10 });
        // At-least-once: a second delivery of the same work under another job id.
        await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}:dup`, attempts: 6, backoffMs: 10 });
      }
      await queue.drain(VERIFY_JOB, 25_000);
      for (const id of ids) {
        expect(await orders.get(id), JSON.stringify(orders.history.get(id))).toMatchObject({ status: 'priced' });
        expect(orders.statuses(id), id).toEqual(['verifying', 'verified', 'priced']);
      }
    });
  });
}
