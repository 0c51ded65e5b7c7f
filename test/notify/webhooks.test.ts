import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from '../settlement/db.js';
import { MemoryQueue } from '../../src/settlement/dev/memory-queue.js';
import { WebhookDispatcher, type WebhookRequest } from '../../src/notify/webhooks.js';
import { verifyWebhookSignature } from '../../src/notify/webhook-signature.js';
import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS } from '../../src/notify/retry-schedule.js';
import { createOrderEventPublisher, type OrderEvent } from '../../src/notify/index.js';
import { sdb } from '../../src/settlement/tables.js';

const event = (over: Partial<OrderEvent> = {}): OrderEvent => ({
  orderId: 'ord_w1', merchantId: 'mch_w', merchantOrderId: 'M-1', status: 'settled', previousStatus: 'settling', reason: null,
  quoteFen: 9_500, settledFen: 9_500, notifyUrl: 'http://127.0.0.1:9/hook', at: '2026-03-10T04:00:00.000Z', ...over,
});

describe('webhook schedule', () => {
  it('follows WeChat Pay: 15 s rising to 6 h, about 24 h in all', () => {
    expect(WEBHOOK_RETRY_DELAYS_MS[0]).toBe(15_000);
    expect(WEBHOOK_RETRY_DELAYS_MS.at(-1)).toBe(6 * 3600_000);
    const total = WEBHOOK_RETRY_DELAYS_MS.reduce((s, d) => s + d, 0);
    expect(total / 3600_000).toBeGreaterThan(23.9);
    expect(total / 3600_000).toBeLessThan(24.1);
    expect([...WEBHOOK_RETRY_DELAYS_MS].every((d, i, a) => i === 0 || d >= a[i - 1]!)).toBe(true);
  });
});

describe.each(BACKENDS)('webhook deliveries on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('signs, retries on the schedule as delayed jobs with one delivery id, and stops on 2xx', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 10, 4));
    const queue = new MemoryQueue();
    const sent: WebhookRequest[] = [];
    const statuses = [500, 0, 503, 200]; // 0 = connection refused
    const hooks = new WebhookDispatcher({
      db: t.db, clock, queue, secretFor: async () => 'whsec_test',
      send: async (req) => {
        sent.push(req);
        const s = statuses.shift() ?? 200;
        if (s === 0) throw new Error('ECONNREFUSED');
        return { status: s };
      },
    });
    hooks.registerJobs(queue);
    const publisher = createOrderEventPublisher({ webhooks: hooks });
    await publisher.publish(event());
    await publisher.publish(event()); // the same transition published twice: one delivery
    for (let i = 0; i < 3; i++) {
      await queue.settled();
      const delayed = queue.delayedJobs();
      expect(delayed).toHaveLength(1);
      expect(delayed[0]!.runAt - Date.now()).toBeGreaterThan(WEBHOOK_RETRY_DELAYS_MS[i]! - 1_000);
      clock.advance(WEBHOOK_RETRY_DELAYS_MS[i]!);
      queue.promoteAll();
    }
    await queue.drain();
    expect(sent).toHaveLength(4);
    const ids = new Set(sent.map((r) => r.headers['CR-Delivery-Id']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^dlv_/);
    for (const r of sent) {
      expect(verifyWebhookSignature('whsec_test', r.headers['CR-Signature'], r.body, { now: clock.now() }).ok).toBe(true);
      expect(JSON.parse(r.body)).toMatchObject({ type: 'order.status_changed', data: { orderId: 'ord_w1', status: 'settled', settledFen: 9_500 } });
    }
    expect(sent.map((r) => r.headers['CR-Attempt'])).toEqual(['1', '2', '3', '4']);
    const row = await sdb(t.db).selectFrom('webhook_deliveries').selectAll().where('order_id', '=', 'ord_w1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, last_status_code: 200 });
    await queue.close();
  });

  it('gives up after the last attempt, and skips re-runs of finished attempts', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 10, 4));
    const queue = new MemoryQueue();
    let calls = 0;
    const hooks = new WebhookDispatcher({ db: t.db, clock, queue, secretFor: async () => 's', send: async () => ((calls += 1), { status: 500 }) });
    const id = (await hooks.enqueue(event({ orderId: 'ord_w2' })))!;
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      const out = await hooks.deliver({ deliveryId: id, attempt });
      expect(out).toBe(attempt === WEBHOOK_MAX_ATTEMPTS ? 'exhausted' : 'retry_scheduled');
      expect(await hooks.deliver({ deliveryId: id, attempt })).toBe('skipped'); // at-least-once re-run
    }
    expect(calls).toBe(WEBHOOK_MAX_ATTEMPTS);
    expect(await hooks.enqueue(event({ orderId: 'ord_w3', notifyUrl: null }))).toBeUndefined();
    await queue.close();
  });
});
