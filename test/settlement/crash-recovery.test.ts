/**
 * In-process crash injection: the settlement job dies at random points (after the gateway moved the
 * money, in the middle of order transitions, on lost gateway answers, with concurrent notifies) and
 * is re-run by the queue. Afterwards: every order settled, exactly one transfer per order at the
 * gateway for the quoted amount, and books that pass checkLedger.
 * (A multi-process kill -9 chaos run is not here; see bench/settlement.ts --chaos.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { AppError } from '../../src/core/errors.js';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { buildSettlement } from './harness.js';
import { MemoryQueue } from '../../src/settlement/dev/memory-queue.js';
import { SettlementService } from '../../src/settlement/settlement-service.js';
import { enqueueSettlement, registerSettlementJobs } from '../../src/settlement/jobs.js';
import { checkLedger } from '../../src/settlement/check-ledger.js';
import { reconcile } from '../../src/settlement/reconciliation.js';
import { businessDay } from '../../src/settlement/daily-limit.js';
import { parseSettlementSettings } from '../../src/settlement/settings.js';
import type { PayoutGateway } from '../../src/settlement/alipay-gateway.js';
import type { OrderPipelinePort } from '../../src/orders/port.js';

class Crash extends Error {}

describe.each(BACKENDS)('crash recovery on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('settles every order exactly once despite crashes between every step', async () => {
    const h = buildSettlement(t.db, { clock: systemClock, notifyDelayMs: 5 });
    let rnd = 42;
    const chance = (p: number) => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) < p;
    h.sim.setRandomFaultRate(0.15);
    // The process "dies" right after the gateway moved the money, before anything is booked.
    const gateway: PayoutGateway = {
      parseNotify: (p) => h.gateway.parseNotify(p),
      query: (n) => h.gateway.query(n),
      statement: (d) => h.gateway.statement(d),
      transfer: async (req) => {
        const r = await h.gateway.transfer(req);
        if (chance(0.2)) throw new Crash('crashed after transfer');
        return r;
      },
    };
    // …or in the middle of a transition: before it is applied, or after it is applied but before we hear back.
    const orders: OrderPipelinePort = {
      get: (id) => h.orders.get(id),
      revealCard: () => h.orders.revealCard(),
      transition: async (id, to, info) => {
        if (chance(0.1)) throw new Crash('crashed before transition');
        const o = await h.orders.transition(id, to, info);
        if (chance(0.1)) throw new Crash('crashed after transition');
        return o;
      },
    };
    const service = new SettlementService({ db: t.db, clock: systemClock, orders, gateway, merchantSettings: async () => parseSettlementSettings({ payoutAccount: { identity: 'crash@example.com' } }) });
    const queue = new MemoryQueue();
    registerSettlementJobs(queue, { db: t.db, gateway, service, clock: systemClock });
    const n = backend === 'sqlite' ? 80 : 40;
    let expectedFen = 0;
    for (let i = 0; i < n; i++) {
      const quoteFen = 1_000 + i * 37;
      expectedFen += quoteFen;
      h.orders.add({ id: `ord_crash${i}`, merchantId: 'mch_crash', quoteFen });
    }
    // Small backoff so the test stays fast; the job options are the production ones otherwise.
    const origAdd = queue.add.bind(queue);
    queue.add = (name, data, o) => origAdd(name, data, { ...o, backoffMs: 5, attempts: 30 });
    for (let i = 0; i < n; i++) await enqueueSettlement(queue, `ord_crash${i}`);
    await queue.drain(undefined, 60_000);
    await h.sim.flushNotifies();
    // Exhausted or crashed-forever leftovers are what the daily reconciliation is for.
    await reconcile({ db: t.db, gateway, service, clock: systemClock }, businessDay(new Date()));

    const stuck = [...h.orders.orders.values()].filter((o) => o.status !== 'settled');
    expect(stuck.map((o) => `${o.id}:${o.status}`)).toEqual([]);
    for (let i = 0; i < n; i++) expect(h.sim.transferCount(`cr_ord_crash${i}`)).toBe(1);
    expect(h.sim.executed.reduce((s, x) => s + x.amountFen, 0)).toBe(expectedFen);
    const report = await checkLedger(t.db);
    expect(report.violations).toEqual([]);
  });

  it('an invalid transition from elsewhere is not retried forever', async () => {
    const h = buildSettlement(t.db);
    h.orders.add({ id: 'ord_frozen', merchantId: 'mch_f', status: 'frozen' });
    expect(await h.service.settleOrder('ord_frozen')).toEqual({ kind: 'skipped', orderId: 'ord_frozen', reason: 'status_frozen' });
    expect(new AppError('invalid_transition', 409, 'x').code).toBe('invalid_transition');
  });
});
