import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { buildSettlement } from './harness.js';
import { reconcile } from '../../src/settlement/reconciliation.js';
import { checkLedger } from '../../src/settlement/check-ledger.js';
import { SettlementService } from '../../src/settlement/settlement-service.js';
import { parseSettlementSettings } from '../../src/settlement/settings.js';
import { sdb } from '../../src/settlement/tables.js';

describe.each(BACKENDS)('reconciliation on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('matches, auto-resolves what is safe and leaves the rest open', async () => {
    const h = buildSettlement(t.db, { notifies: false });
    const day = '2026-03-10';
    // 1. A normal payout.
    h.orders.add({ id: 'ord_r1', merchantId: 'mch_r', quoteFen: 1_000 });
    expect((await h.service.settleOrder('ord_r1')).kind).toBe('settled');
    // 2. Paid at the gateway, answer lost, notify lost: we still show `submitting`.
    h.orders.add({ id: 'ord_r2', merchantId: 'mch_r', quoteFen: 2_000 });
    h.sim.injectFaults('lost_response');
    expect((await h.service.settleOrder('ord_r2')).kind).toBe('pending');
    // 3. Crashed before reaching the gateway at all.
    const settings = async () => parseSettlementSettings({ payoutAccount: { identity: 'r@example.com' } });
    const crashing = new SettlementService({ db: t.db, clock: h.clock, orders: h.orders, merchantSettings: settings, gateway: { query: (n) => h.gateway.query(n), statement: (d) => h.gateway.statement(d), parseNotify: (p) => h.gateway.parseNotify(p), transfer: async () => { throw new Error('crash'); } } });
    h.orders.add({ id: 'ord_r3', merchantId: 'mch_r', quoteFen: 3_000 });
    expect((await crashing.settleOrder('ord_r3')).kind).toBe('pending');
    // 4. The gateway lists a transfer twice, and 5. one we never issued.
    const paid1 = h.sim.get('cr_ord_r1')!;
    h.sim.statementExtras.push({ ...paid1, gatewayOrderId: 'dup' }, { ...paid1, outBizNo: 'cr_stranger', gatewayOrderId: 'x' });

    const report = await reconcile({ db: t.db, gateway: h.gateway, service: h.service, clock: h.clock }, day);
    const by = (no: string) => report.items.filter((i) => i.outBizNo === no).map((i) => `${i.kind}/${i.resolution}`);
    expect(by('cr_ord_r2')).toEqual(['missing_in_ledger/auto_confirmed']);
    expect(by('cr_ord_r3')).toEqual(['unconfirmed/auto_resubmitted']);
    expect(by('cr_ord_r1')).toEqual(['duplicate/open']);
    expect(by('cr_stranger')).toEqual(['unknown_payout/open']);
    expect(report.open).toBe(2);
    for (const id of ['ord_r1', 'ord_r2', 'ord_r3']) expect((await h.orders.get(id))?.status).toBe('settled');
    expect(h.sim.transferCount('cr_ord_r3')).toBe(1);
    expect((await checkLedger(t.db)).violations).toEqual([]);
    const stored = await sdb(t.db).selectFrom('recon_items').selectAll().where('run_id', '=', report.runId).execute();
    expect(stored).toHaveLength(report.items.length);

    // A second run changes nothing: the books now agree with the gateway except the two open items.
    const again = await reconcile({ db: t.db, gateway: h.gateway, service: h.service, clock: h.clock }, day);
    expect(again.items.map((i) => `${i.kind}/${i.resolution}`).sort()).toEqual(['duplicate/open', 'unknown_payout/open']);
    expect(again.matched).toBe(2);
  });

  it('flags a payout the ledger has as paid but the gateway does not, and amount mismatches', async () => {
    const h = buildSettlement(t.db, { notifies: false });
    h.orders.add({ id: 'ord_m1', merchantId: 'mch_m', quoteFen: 4_000 });
    h.orders.add({ id: 'ord_m2', merchantId: 'mch_m', quoteFen: 5_000 });
    await h.service.settleOrder('ord_m1');
    await h.service.settleOrder('ord_m2');
    // The simulator "loses" m1 from its bill and reports m2 with another amount.
    const i1 = h.sim.executed.findIndex((x) => x.outBizNo === 'cr_ord_m1');
    h.sim.executed.splice(i1, 1);
    const m2 = h.sim.executed.find((x) => x.outBizNo === 'cr_ord_m2')!;
    m2.amountFen = 5_001;
    const report = await reconcile({ db: t.db, gateway: h.gateway, service: h.service, clock: h.clock }, '2026-03-10');
    const kinds = report.items.filter((i) => i.outBizNo.startsWith('cr_ord_m')).map((i) => `${i.outBizNo}:${i.kind}/${i.resolution}`).sort();
    expect(kinds).toEqual(['cr_ord_m1:missing_in_gateway/open', 'cr_ord_m2:mismatch/open']);
  });
});
