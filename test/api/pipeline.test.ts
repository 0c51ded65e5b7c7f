import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

/**
 * The simulator's test cards (CONTRACT.md), end to end through intake, jobs, verification, pricing
 * and T+0 settlement against the gateway simulator, then the ledger check.
 */
describe.each(['sqlite', 'postgres'] as const)('order pipeline with the simulator test cards (%s)', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend });
  });
  afterAll(async () => app?.stop());

  it('moves each test card to its documented outcome', async () => {
    const cases: Array<[string, string[]]> = [
      ['5678', ['settled']],
      ['3333', ['settled']],
      ['4444', ['settled']],
      ['0000', ['rejected']],
      ['1111', ['review']],
      ['2222', ['review', 'settled', 'frozen']],
    ];
    const ids: Record<string, string> = {};
    for (const [suffix] of cases) {
      const res = await app.signed('POST', '/v1/orders', { merchantOrderId: `pipe-${suffix}`, denomination: 100, ...testCard('cmcc', suffix), payout: { identity: 'seller@example.com' } });
      expect(res.status).toBe(202);
      ids[suffix] = ((await res.json()) as Json).id;
    }
    const deadline = Date.now() + 60_000;
    const settled = () => Promise.all(cases.map(async ([s, want]) => want.includes((await app.runtime.orders.get(ids[s]!))!.status)));
    while (!(await settled()).every(Boolean) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    for (const [suffix, want] of cases) {
      const order = (await (await app.signed('GET', `/v1/orders/${ids[suffix]}`)).json()) as Json;
      expect(want, `card ending ${suffix}: ${order.status} ${order.reason}`).toContain(order.status);
      if (order.status === 'settled') {
        expect(Number.isInteger(order.quoteFen)).toBe(true);
        expect(order.settledFen).toBe(order.quoteFen);
        expect(order.quoteFen).toBeGreaterThan(8000);
        expect(order.quoteFen).toBeLessThanOrEqual(10000);
        const priced = order.history.find((h: Json) => h.to === 'priced');
        expect(priced.details.pricing.modelVersion).toBeTruthy();
        expect(priced.details.pricing.quoteId).toBeTruthy();
      }
    }
    const ledger = await app.runtime.pipeline.settlement.checkLedger();
    expect(ledger.ok).toBe(true);
    const used = (await (await app.signed('GET', `/v1/orders/${ids['0000']}/diagnosis`)).json()) as Json;
    expect(JSON.stringify(used)).toContain('used');
  }, 90_000);
});
