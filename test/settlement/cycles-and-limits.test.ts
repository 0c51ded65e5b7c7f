import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { REDIS_URL } from '../helpers/db.js';
import { cycleDueAt, outBizNoFor } from '../../src/settlement/cycles.js';
import { businessDay, redisDailyLimiter } from '../../src/settlement/daily-limit.js';
import { computeFeeLines, feeIncludedIn, pricingFeeLine, applicableRateBps } from '../../src/settlement/fees.js';
import { parseSettlementSettings, FeeScheduleSchema, SettlementSettingsSchema } from '../../src/settlement/settings.js';
import { MemoryQueue } from '../../src/settlement/dev/memory-queue.js';
import { JOBS, scheduleCycle, scheduleReconciliation } from '../../src/settlement/jobs.js';
import fc from 'fast-check';

describe('settlement cycles', () => {
  it('T+0 now, T+1 next day 10:00 CST, weekly next Monday 10:00 CST', () => {
    const tue = new Date('2026-03-10T04:00:00Z'); // Tuesday 12:00 CST
    expect(cycleDueAt('T0', tue)).toEqual(tue);
    expect(cycleDueAt('T1', tue).toISOString()).toBe('2026-03-11T02:00:00.000Z');
    expect(cycleDueAt('weekly', tue).toISOString()).toBe('2026-03-16T02:00:00.000Z');
    // 23:30 UTC Sunday is already Monday 07:30 in China: the batch is the next Monday.
    expect(cycleDueAt('weekly', new Date('2026-03-15T23:30:00Z')).toISOString()).toBe('2026-03-23T02:00:00.000Z');
    expect(cycleDueAt('T1', new Date('2026-03-10T17:00:00Z')).toISOString()).toBe('2026-03-12T02:00:00.000Z');
    expect(businessDay(new Date('2026-03-10T16:00:00Z'))).toBe('2026-03-11');
  });

  it('schedules one delayed batch job per merchant and due time (deterministic ids)', async () => {
    const clock = new ManualClock(new Date('2026-03-10T04:00:00Z'));
    const queue = new MemoryQueue();
    const due = cycleDueAt('T1', clock.now());
    const a = await scheduleCycle(queue, clock, 'mch_1', due);
    const b = await scheduleCycle(queue, clock, 'mch_1', due);
    expect(a).toBe(b);
    expect(a).not.toContain(':');
    const jobs = queue.delayedJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe(JOBS.cycle);
    expect(jobs[0]!.runAt - Date.now()).toBeGreaterThan(21.9 * 3600_000);
    // 09:00 CST: yesterday's bill is reconciled at 10:30 CST today.
    await scheduleReconciliation(queue, new ManualClock(new Date('2026-03-10T01:00:00Z')));
    const recon = queue.delayedJobs().find((j) => j.name === JOBS.reconcile);
    expect(recon?.id).toBe('settlement.reconcile-2026-03-09');
    expect(Math.round((recon!.runAt - Date.now()) / 60_000)).toBe(90);
    await queue.close();
  });

  it('derives a valid, stable out_biz_no from the order id', () => {
    expect(outBizNoFor('ord_0abc')).toBe('cr_ord_0abc');
    expect(() => outBizNoFor('ord-with-dash')).toThrow();
  });
});

describe('fees', () => {
  const schedule = FeeScheduleSchema.parse({ rateBps: 200, tiers: [{ fromMonthlyVolumeFen: 1_000_000, rateBps: 150 }, { fromMonthlyVolumeFen: 10_000_000, rateBps: 100 }], minFeeFen: 5 });

  it('applies the tier reached by the month volume, with a minimum fee', () => {
    expect(applicableRateBps(schedule, 0)).toBe(200);
    expect(applicableRateBps(schedule, 1_000_000)).toBe(150);
    expect(applicableRateBps(schedule, 50_000_000)).toBe(100);
    expect(computeFeeLines(schedule, 10_000, 0)).toEqual([{ code: 'volume_fee', label: 'service fee 2.00%', amountFen: 200, rateBps: 200 }]);
    expect(computeFeeLines(schedule, 100, 0)[0]!.amountFen).toBe(5);
    expect(computeFeeLines(schedule, 3, 0)[0]!.amountFen).toBe(3);
    expect(() => FeeScheduleSchema.parse({ tiers: [{ fromMonthlyVolumeFen: 5, rateBps: 1 }, { fromMonthlyVolumeFen: 5, rateBps: 1 }] })).toThrow();
  });

  it('fee contained in a net quote: gross − fee(gross) = net within a fen (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 100_000_000 }), fc.integer({ min: 0, max: 3_000 }), (net, bps) => {
        const s = FeeScheduleSchema.parse({ rateBps: bps });
        const fee = feeIncludedIn(s, net);
        expect(Number.isSafeInteger(fee)).toBe(true);
        const gross = net + fee;
        expect(Math.abs(gross - computeFeeLines(s, gross).reduce((a, l) => a + l.amountFen, 0) - net)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("gives pricing a fee line in its own shape (float fen, per merchant)", () => {
    const line = pricingFeeLine((m) => ({ schedule: m === 'mch_vip' ? FeeScheduleSchema.parse({ rateBps: 50 }) : schedule, monthlyVolumeFen: 0 }));
    expect(line.amountFen({ carrier: 'cmcc', denomination: 100, faceValueFen: 10_000, grossFen: 9_000, merchantId: 'mch_vip' })).toBe(45);
    expect(line.amountFen({ carrier: 'cmcc', denomination: 100, faceValueFen: 10_000, grossFen: 9_000 })).toBe(180);
  });

  it('merchant settings have safe defaults and reject junk', () => {
    expect(parseSettlementSettings(undefined)).toEqual({ feeSchedule: { rateBps: 100, tiers: [], minFeeFen: 0, annualServiceFeeFen: 0 }, cycle: 'T0', dailyLimitFen: 50_000_000 });
    expect(SettlementSettingsSchema.safeParse({ cycle: 'T7' }).success).toBe(false);
    expect(SettlementSettingsSchema.safeParse({ dailyLimitFen: 1.5 }).success).toBe(false);
    expect(SettlementSettingsSchema.safeParse({ feeSchedule: { rateBps: 10_001 } }).success).toBe(false);
  });
});

describe('Redis daily limiter', () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('reserves atomically up to the limit under concurrency and releases', async () => {
    const limiter = redisDailyLimiter(redis, prefix);
    const results = await Promise.all([...Array(20).keys()].map(() => limiter.reserve(undefined as never, 'mch_r', '2026-03-10', 3_000, 50_000)));
    expect(results.filter(Boolean)).toHaveLength(16);
    expect(await limiter.used(undefined as never, 'mch_r', '2026-03-10')).toBe(48_000);
    await limiter.release(undefined as never, 'mch_r', '2026-03-10', 3_000);
    expect(await limiter.reserve(undefined as never, 'mch_r', '2026-03-10', 5_000, 50_000)).toBe(true);
    expect(await limiter.reserve(undefined as never, 'mch_r', '2026-03-10', 1, 50_000)).toBe(false);
  });
});
