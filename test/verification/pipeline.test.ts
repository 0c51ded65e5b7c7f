import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { BlocklistStore, DbCounterStore, RiskEngine } from '../../src/risk/index.js';
import {
  CarrierSimulator,
  ManualItemStore,
  OrderLeases,
  MemoryVerificationCache,
  ReviewService,
  VERIFY_BATCH_JOB,
  VERIFY_JOB,
  VerificationResultStore,
  VerificationService,
  createVerificationMetrics,
  registerVerificationJobs,
} from '../../src/verification/index.js';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openTestDatabase } from '../helpers/db.js';
import { FakeOrders, FakeQueue, silentLogger } from './fakes.js';

const pin = (last4: string) => `12345678901234${last4}`;

for (const backend of BACKENDS) {
  describe(`verification pipeline jobs (${backend})`, () => {
    let db: TestDatabase;
    let orders: FakeOrders;
    let queue: FakeQueue;
    let sim: CarrierSimulator;
    let items: ManualItemStore;
    let reviews: ReviewService;
    let blocklist: BlocklistStore;
    let settings: Record<string, unknown>;
    const priced: number[] = [];
    let pricerFails = false;

    beforeEach(async () => {
      db = await openTestDatabase(backend);
      const clock = new ManualClock(new Date('2026-03-01T02:00:00Z'));
      orders = new FakeOrders();
      queue = new FakeQueue();
      sim = new CarrierSimulator({ hangMs: 60_000 });
      settings = {};
      pricerFails = false;
      const verification = new VerificationService({
        channels: { default: { primary: sim.channel('primary'), backup: sim.channel('backup') } },
        cache: new MemoryVerificationCache(clock),
        metrics: createVerificationMetrics(new Registry()),
        logger: silentLogger,
        resilience: { timeoutMs: 30, maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      });
      blocklist = new BlocklistStore(db.db, clock);
      const risk = new RiskEngine({ db: db.db, counters: new DbCounterStore(db.db, clock), blocklist, clock, orders });
      const results = new VerificationResultStore(db.db, clock);
      items = new ManualItemStore(db.db, clock);
      reviews = new ReviewService({ orders, items, results, queue });
      registerVerificationJobs(queue, {
        orders, verification, risk, results, items, clock, logger: silentLogger, leases: new OrderLeases(db.db, clock),
        pricer: async (o) => {
          if (pricerFails) throw new Error('pricing model unavailable');
          priced.push(o.denomination);
          return { quoteFen: o.denomination * 95, details: { rate: 0.95 } };
        },
        merchantSettings: async () => settings,
      });
    });
    afterEach(async () => db.cleanup());

    const submit = async (last4: string, extra: Partial<Parameters<FakeOrders['add']>[0]> = {}) => {
      const o = orders.add({ cardPin: pin(last4), cardNumber: `1000000000000${orders.orders.size}`.padEnd(17, '0'), ...extra });
      await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}` });
      await queue.runAll();
      return (await orders.get(o.id))!;
    };

    it('prices a valid card, recording the risk decision; re-running the job is a no-op', async () => {
      const o = await submit('5678');
      expect(o).toMatchObject({ status: 'priced', quoteFen: 9_500 });
      expect(orders.statuses(o.id)).toEqual(['verifying', 'verified', 'priced']);
      expect(orders.history.get(o.id)![0].details.risk).toMatchObject({ decision: 'approve' });
      const calls = sim.statsFor('primary').calls;
      await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}:again` });
      await queue.runAll();
      expect(orders.statuses(o.id)).toHaveLength(3);
      expect(sim.statsFor('primary').calls).toBe(calls);
    });

    it('survives transient carrier errors and a timeout (4444, 3333)', async () => {
      expect((await submit('4444')).status).toBe('priced');
      expect((await submit('3333')).status).toBe('priced');
    });

    it('rejects used cards', async () => {
      expect(await submit('0000')).toMatchObject({ status: 'rejected', reason: 'card_used' });
    });

    it('invalid card → manual review (default), reviewer rejects', async () => {
      const o = await submit('1111');
      expect(o).toMatchObject({ status: 'review', reason: 'card_invalid' });
      const [item] = await items.list({ orderId: o.id });
      expect(item).toMatchObject({ kind: 'review', stage: 'invalid_card', status: 'open' });
      await expect(reviews.decide(item.id, { decision: 'reject', reason: 'checked photo', actor: 'ops:bob' })).rejects.toMatchObject({ code: 'review_not_claimed' });
      await reviews.claim(item.id, 'ops:bob');
      await expect(reviews.claim(item.id, 'ops:eve')).rejects.toMatchObject({ code: 'review_already_claimed' });
      const { order } = await reviews.decide(item.id, { decision: 'reject', reason: 'checked photo', actor: 'ops:bob' });
      expect(order).toMatchObject({ status: 'rejected', reason: 'card_invalid' });
      expect(orders.history.get(o.id)!.at(-1)).toMatchObject({ actor: 'ops:bob', details: { review: { decision: 'reject' } } });
    });

    it('invalid card → second verification asks again, bypassing the cache, then rejects', async () => {
      settings = { exceptionPolicies: { invalidCard: 'second_verification' } };
      const o = await submit('1111');
      expect(o).toMatchObject({ status: 'rejected', reason: 'card_invalid' });
      expect(orders.statuses(o.id)).toEqual(['verifying', 'verifying', 'rejected']);
      expect(sim.statsFor('primary').calls).toBe(2);
    });

    it('invalid card → dispute queue; a dispute reverify runs a new carrier round', async () => {
      settings = { exceptionPolicies: { invalidCard: 'dispute' } };
      const o = await submit('1111');
      expect(o.status).toBe('disputed');
      const [item] = await items.list({ kind: 'dispute' });
      expect(item.id.startsWith('dsp_')).toBe(true);
      await reviews.claim(item.id, 'ops:ann');
      await reviews.decide(item.id, { decision: 'reverify', reason: 'seller sent receipt', actor: 'ops:ann' });
      await queue.runAll();
      // Still invalid on the new round: a fresh dispute item opens (the old one is decided).
      expect((await orders.get(o.id))!.status).toBe('disputed');
      expect(sim.statsFor('primary').calls).toBe(2);
      expect(await items.list({ kind: 'dispute', status: 'open' })).toHaveLength(1);
    });

    it('face value differs → compensate prices at the real face value', async () => {
      settings = { exceptionPolicies: { denominationMismatch: 'compensate' } };
      const o = await submit('2222', { denomination: 100 });
      expect(o).toMatchObject({ status: 'priced', quoteFen: 50 * 95 });
      expect(orders.history.get(o.id)!.at(-1)!.details).toMatchObject({ pricedDenomination: 50, compensatedFrom: 100 });
    });

    it('face value differs → freeze for review; approval prices at the real value', async () => {
      settings = { exceptionPolicies: { denominationMismatch: 'freeze' } };
      const o = await submit('2222', { denomination: 100 });
      expect(o).toMatchObject({ status: 'frozen', reason: 'denomination_mismatch' });
      const [item] = await items.list({ orderId: o.id });
      await reviews.claim(item.id, 'ops:kim');
      await reviews.decide(item.id, { decision: 'approve', reason: 'ok at real value', actor: 'ops:kim' });
      await queue.runAll();
      expect(await orders.get(o.id)).toMatchObject({ status: 'priced', quoteFen: 50 * 95 });
    });

    it('face value differs → seller confirms or refuses the corrected price', async () => {
      const accepted = await submit('2222', { denomination: 100 });
      expect(accepted).toMatchObject({ status: 'review', reason: 'awaiting_seller_confirmation' });
      const [item] = await items.list({ orderId: accepted.id });
      expect(item.details).toMatchObject({ correctedQuoteFen: 4_750, actualDenomination: 50 });
      await expect(reviews.respondToCorrection({ orderId: accepted.id, merchantId: 'mch_other', accept: true, actor: 'x' })).rejects.toMatchObject({ code: 'no_pending_confirmation' });
      const { order } = await reviews.respondToCorrection({ orderId: accepted.id, merchantId: 'mch_1', accept: true, actor: 'mch_1:seller' });
      expect(order).toMatchObject({ status: 'priced', quoteFen: 4_750 });

      const refused = await submit('2222', { cardNumber: '22222222222222222', denomination: 100 });
      const r = await reviews.respondToCorrection({ orderId: refused.id, merchantId: 'mch_1', accept: false, actor: 'mch_1:seller' });
      expect(r.order).toMatchObject({ status: 'rejected', reason: 'seller_refused_correction' });
      await expect(reviews.respondToCorrection({ orderId: refused.id, merchantId: 'mch_1', accept: true, actor: 'x' })).rejects.toMatchObject({ code: 'no_pending_confirmation' });
    });

    it('carrier outage → backoff retry through the queue, then failed', async () => {
      sim.setFaults('primary', { transientErrorRate: 1 });
      sim.setFaults('backup', { transientErrorRate: 1 });
      const o = orders.add({ cardPin: pin('5678') });
      await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}`, attempts: 3 });
      await queue.runAll();
      expect(await orders.get(o.id)).toMatchObject({ status: 'failed', reason: 'carrier_unavailable' });
      expect(sim.statsFor('primary').calls).toBe(9); // 3 job attempts × 3 in-channel attempts
    });

    it('carrier outage → re-queue, and → downgraded batch run that succeeds once the carrier heals', async () => {
      settings = { exceptionPolicies: { carrierTimeout: 'requeue', maxCarrierRetries: 2 } };
      sim.setFaults('primary', { transientErrorRate: 1 });
      sim.setFaults('backup', { transientErrorRate: 1 });
      const o = await submit('5678');
      expect(o).toMatchObject({ status: 'failed', reason: 'carrier_unavailable' });
      expect(queue.added.filter((j) => j.name === VERIFY_JOB)).toHaveLength(3);

      settings = { exceptionPolicies: { carrierTimeout: 'batch' } };
      const b = orders.add({ cardPin: pin('6789'), cardNumber: '33333333333333333' });
      await queue.add(VERIFY_JOB, { orderId: b.id }, { jobId: `verify:${b.id}` });
      await queue.runAll(1);
      expect((await orders.get(b.id))!.reason).toBe('carrier_batch_scheduled');
      expect(queue.added.at(-1)).toMatchObject({ name: VERIFY_BATCH_JOB, delayMs: 300_000 });
      sim.setFaults('primary', { transientErrorRate: 0 });
      await queue.runAll();
      expect((await orders.get(b.id))!.status).toBe('priced');
    });

    it('pricing failure → retried by the queue, then failed; re-running later reuses the stored carrier answer', async () => {
      pricerFails = true;
      const o = orders.add({ cardPin: pin('5678') });
      await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}`, attempts: 2 });
      await queue.runAll();
      expect(await orders.get(o.id)).toMatchObject({ status: 'failed', reason: 'pricing_failed' });
      pricerFails = false;
      await orders.transition(o.id, 'verifying', { actor: 'ops' });
      await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}:retry` });
      await queue.runAll();
      expect((await orders.get(o.id))!.status).toBe('priced');
      expect(sim.statsFor('primary').calls).toBe(1);
    });

    it('risk review → reviewer approves → verification continues; risk reject records reasons', async () => {
      const low = await submit('5678', { context: { sellerId: 's1', recognitionConfidence: 0.4 } });
      expect(low).toMatchObject({ status: 'review', reason: 'risk_low_confidence' });
      expect(orders.history.get(low.id)![0].details.risk).toMatchObject({ decision: 'review', reasons: [{ code: 'risk_low_confidence' }] });
      const [item] = await items.list({ orderId: low.id });
      await reviews.claim(item.id, 'ops:li');
      await reviews.decide(item.id, { decision: 'approve', reason: 'photo fine', actor: 'ops:li' });
      await queue.runAll();
      expect((await orders.get(low.id))!.status).toBe('priced');

      await blocklist.add('seller', 'bad', 'fraud', 'ops:li');
      const blocked = await submit('5679', { cardNumber: '44444444444444444', context: { sellerId: 'bad' } });
      expect(blocked).toMatchObject({ status: 'rejected', reason: 'risk_blocklisted_seller' });
      expect(sim.statsFor('primary').calls).toBe(1); // blocked before any carrier call
    });
  });
}
