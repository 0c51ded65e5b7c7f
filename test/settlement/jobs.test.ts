import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { buildSettlement } from './harness.js';
import { MemoryQueue } from '../../src/settlement/dev/memory-queue.js';
import { createSettlement } from '../../src/settlement/index.js';
import { parseSettlementSettings } from '../../src/settlement/settings.js';
import { accountBalance } from '../../src/settlement/ledger.js';
import { merchantAccount } from '../../src/settlement/accounts.js';
import { WebhookDispatcher, createOrderEventPublisher, orderEventListener, type WebhookRequest } from '../../src/notify/index.js';
import { OrderEventBus } from '../../src/orders/order-events.js';

describe.each(BACKENDS)('settlement jobs on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('T+1: order.settle accrues and schedules the batch; the batch job pays; annual fee once', async () => {
    const h = buildSettlement(t.db);
    const queue = new MemoryQueue();
    const settings = parseSettlementSettings({ cycle: 'T1', payoutAccount: { identity: 'j@example.com' }, feeSchedule: { annualServiceFeeFen: 36_500 } });
    const s = createSettlement({ db: t.db, clock: h.clock, queue, orders: h.orders, gateway: h.gateway, merchantSettings: async () => settings });
    s.registerJobs();
    for (const id of ['ord_j1', 'ord_j2']) {
      h.orders.add({ id, merchantId: 'mch_j', quoteFen: 7_000 });
      await s.enqueueSettlement(id);
    }
    await queue.settled();
    expect((await h.orders.get('ord_j1'))?.status).toBe('settling');
    expect(h.sim.executed).toHaveLength(0);
    const delayed = queue.delayedJobs();
    expect(delayed.map((j) => j.name)).toEqual(['settlement.cycle']); // one batch for both orders
    queue.promoteAll();
    await queue.drain();
    expect((await h.orders.get('ord_j1'))?.status).toBe('settled');
    expect((await h.orders.get('ord_j2'))?.status).toBe('settled');
    expect(h.sim.executed.map((x) => x.amountFen)).toEqual([7_000, 7_000]);
    expect(await accountBalance(t.db, merchantAccount('mch_j'))).toBe(36_500);
    expect((await s.checkLedger()).ok).toBe(true);
    await s.warmFeeTerms('mch_j');
    expect(s.pricingFeeLine.amountFen({ carrier: 'cmcc', denomination: 100, faceValueFen: 10_000, grossFen: 10_000, merchantId: 'mch_j' })).toBe(100);
    await queue.close();
  });

  it('bridges the orders event bus to signed webhooks', async () => {
    const h = buildSettlement(t.db);
    const queue = new MemoryQueue();
    const sent: WebhookRequest[] = [];
    const webhooks = new WebhookDispatcher({ db: t.db, clock: h.clock, queue, secretFor: async () => 'sec', defaultUrlFor: async () => 'http://127.0.0.1:9/m', send: async (r) => (sent.push(r), { status: 204 }) });
    webhooks.registerJobs(queue);
    const bus = new OrderEventBus();
    const publisher = createOrderEventPublisher({ webhooks });
    bus.subscribe(orderEventListener({ orders: h.orders, publish: (e) => publisher.publish(e) }));
    h.orders.add({ id: 'ord_bus', merchantId: 'mch_bus', quoteFen: 1_234, status: 'settled', settledFen: 1_234 });
    bus.publish({ orderId: 'ord_bus', merchantId: 'mch_bus', from: 'settling', to: 'settled', reason: null, at: h.clock.now().toISOString() });
    await new Promise((r) => setTimeout(r, 50));
    await queue.drain();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body).data).toMatchObject({ orderId: 'ord_bus', status: 'settled', previousStatus: 'settling', settledFen: 1_234 });
    await queue.close();
  });
});
