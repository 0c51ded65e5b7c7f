import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { buildSettlement } from './harness.js';
import { checkLedger } from '../../src/settlement/check-ledger.js';
import { accountBalance } from '../../src/settlement/ledger.js';
import { FEE_REVENUE, GATEWAY_FUNDS, PAYOUT_CLEARING, carrierReceivable, sellerAccount } from '../../src/settlement/accounts.js';
import { parseSettlementSettings } from '../../src/settlement/settings.js';
import { ManualClock } from '../../src/core/clock.js';

describe.each(BACKENDS)('settlement flow on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('pays a priced T+0 order exactly once and books it balanced', async () => {
    const s = buildSettlement(t.db);
    s.orders.add({ id: 'ord_flow1', merchantId: 'mch_a', quoteFen: 10_000, context: { sellerId: 's1' } });
    const out = await s.service.settleOrder('ord_flow1');
    expect(out).toEqual({ kind: 'settled', orderId: 'ord_flow1', settledFen: 10_000 });
    await s.sim.flushNotifies();
    // A duplicate job run and a replayed notify change nothing.
    expect((await s.service.settleOrder('ord_flow1')).kind).toBe('settled');
    expect(s.sim.transferCount('cr_ord_flow1')).toBe(1);
    expect(s.sim.get('cr_ord_flow1')?.amountFen).toBe(10_000);
    expect((await s.orders.get('ord_flow1'))?.status).toBe('settled');
    expect(s.orders.history.map((h) => h.to)).toEqual(['settling', 'settled']);
    expect(await accountBalance(t.db, sellerAccount('mch_a', 's1'))).toBe(0);
    // 1 % of the gross is inside the quote: gross 10 101, fee 101 (10 000 × 100/9 900, to the fen).
    expect(await accountBalance(t.db, FEE_REVENUE)).toBe(101);
    expect(await accountBalance(t.db, carrierReceivable('cmcc'))).toBe(10_101);
    expect(await accountBalance(t.db, PAYOUT_CLEARING)).toBe(0);
    expect(await accountBalance(t.db, GATEWAY_FUNDS)).toBe(-10_000);
    const report = await checkLedger(t.db);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('keeps the month’s volume for fee tiers: each payout adds its gross once, a new China-time month starts at zero', async () => {
    const clock = new ManualClock(Date.UTC(2026, 4, 31, 15, 0, 0)); // 23:00 on 31 May in China
    const s = buildSettlement(t.db, { clock });
    s.orders.add({ id: 'ord_vol1', merchantId: 'mch_vol', quoteFen: 10_000 });
    s.orders.add({ id: 'ord_vol2', merchantId: 'mch_vol', quoteFen: 20_000 });
    expect(await s.service.monthlyVolume('mch_vol', clock.now())).toBe(0);
    await s.service.settleOrder('ord_vol1');
    await s.service.settleOrder('ord_vol1'); // a repeated job adds nothing
    const first = (await s.service.payoutForOrder('ord_vol1'))!.gross_fen;
    expect(await s.service.monthlyVolume('mch_vol', clock.now())).toBe(first);
    await s.service.settleOrder('ord_vol2');
    const second = (await s.service.payoutForOrder('ord_vol2'))!.gross_fen;
    expect(await s.service.monthlyVolume('mch_vol', clock.now())).toBe(first + second);
    clock.advance(2 * 3_600_000); // 01:00 on 1 June in China, still 31 May in UTC
    expect(await s.service.monthlyVolume('mch_vol', clock.now())).toBe(0);
  });

  it('survives a lost gateway answer: the retry reuses out_biz_no and pays once', async () => {
    const s = buildSettlement(t.db);
    s.orders.add({ id: 'ord_lost1', merchantId: 'mch_a', quoteFen: 5_000 });
    s.sim.injectFaults('system_error', 'lost_response');
    expect((await s.service.settleOrder('ord_lost1')).kind).toBe('pending'); // SYSTEM_ERROR
    // The lost answer: money moved, the notify confirms it (or the retry does).
    const second = await s.service.settleOrder('ord_lost1');
    await s.sim.flushNotifies();
    const third = await s.service.settleOrder('ord_lost1');
    expect([second.kind, third.kind]).toContain('settled');
    expect(s.sim.transferCount('cr_ord_lost1')).toBe(1);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });

  it('does not book a failure after a lost answer when the gateway says the money moved', async () => {
    const s = buildSettlement(t.db, { notifies: false });
    s.orders.add({ id: 'ord_unk', merchantId: 'mch_a', quoteFen: 4_200 });
    s.sim.injectFaults('lost_response');
    expect((await s.service.settleOrder('ord_unk')).kind).toBe('pending');
    // The next attempt is refused for an unrelated reason (say, a key rotation gone wrong)…
    const real = s.gateway.transfer.bind(s.gateway);
    s.gateway.transfer = async () => ({ kind: 'failed', code: 'isv.invalid-signature', message: 'x' });
    const out = await s.service.submitPayout('ord_unk');
    s.gateway.transfer = real;
    // …but the query shows the first attempt paid: confirmed, not reversed.
    expect(out.kind).toBe('settled');
    expect(s.sim.transferCount('cr_ord_unk')).toBe(1);
    expect((await checkLedger(t.db)).violations).toEqual([]);
  });

  it('reverses a refused payout and parks the order for review', async () => {
    const s = buildSettlement(t.db);
    s.orders.add({ id: 'ord_refused', merchantId: 'mch_b', quoteFen: 3_000, payout: { identity: 'nonexist@example.com' } });
    const out = await s.service.settleOrder('ord_refused');
    expect(out.kind).toBe('review');
    expect((await s.orders.get('ord_refused'))?.status).toBe('review');
    expect((await s.service.payoutForOrder('ord_refused'))?.status).toBe('failed');
    expect(s.sim.transferCount('cr_ord_refused')).toBe(0);
    // The seller is still owed the money: accrual stands, the payout entry is reversed.
    expect(await accountBalance(t.db, sellerAccount('mch_b', 'default'))).toBe(3_000);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });

  it('enforces the daily limit atomically under concurrency', async () => {
    const s = buildSettlement(t.db, { settings: { dailyLimitFen: 50_000, feeSchedule: { rateBps: 0 }, payoutAccount: { identity: 'x@example.com' } } });
    for (let i = 0; i < 8; i++) s.orders.add({ id: `ord_lim${i}`, merchantId: 'mch_lim', quoteFen: 10_000 });
    const outs = await Promise.all([...Array(8).keys()].map((i) => s.service.settleOrder(`ord_lim${i}`)));
    expect(outs.filter((o) => o.kind === 'settled')).toHaveLength(5);
    expect(outs.filter((o) => o.kind === 'review' && o.reason === 'daily_limit_exceeded')).toHaveLength(3);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });

  it('schedules T+1 payouts for the batch and pays them when due', async () => {
    const s = buildSettlement(t.db, { settings: { cycle: 'T1', payoutAccount: { identity: 'y@example.com' } } });
    const scheduled: string[] = [];
    const s2 = buildSettlement(t.db, { clock: s.clock, settings: { cycle: 'T1', payoutAccount: { identity: 'y@example.com' } }, scheduleCycle: async (m, due) => void scheduled.push(`${m}@${due.toISOString()}`) });
    s2.orders.add({ id: 'ord_t1', merchantId: 'mch_t1', quoteFen: 2_000 });
    const out = await s2.service.settleOrder('ord_t1');
    expect(out).toMatchObject({ kind: 'scheduled', dueAt: '2026-03-11T02:00:00.000Z' });
    expect(scheduled).toEqual(['mch_t1@2026-03-11T02:00:00.000Z']);
    expect(await s2.service.duePayouts('mch_t1', new Date('2026-03-11T01:00:00Z'))).toEqual([]);
    expect(await s2.service.duePayouts('mch_t1', new Date('2026-03-11T02:00:00Z'))).toEqual(['ord_t1']);
    expect((await s2.service.submitPayout('ord_t1')).kind).toBe('settled');
    expect(parseSettlementSettings({}).cycle).toBe('T0');
    void s;
  });
});
