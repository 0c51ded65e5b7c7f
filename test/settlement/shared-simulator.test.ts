import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { ManualClock } from '../../src/core/clock.js';
import { AlipayGateway } from '../../src/settlement/alipay-gateway.js';
import { DbSimTransferStore, sharedDevKeys } from '../../src/settlement/gateway-sim-store.js';
import { GatewaySimulator } from '../../src/settlement/gateway-simulator.js';
import { createDevGateway } from '../../src/settlement/dev-gateway.js';

/**
 * The dev gateway simulator keeps its state in the database: two processes (here: two simulator
 * instances on one database, as `serve` and a `worker` have) are one gateway. A transfer made
 * through one is the same transfer for the other, and the bill lists it once.
 */
describe.each(BACKENDS)('gateway simulator shared through the database (%s)', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('is one gateway for every process: one transfer per out_biz_no, one bill, one key pair', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 10, 4, 0, 0));
    const [keysA, keysB] = await Promise.all([sharedDevKeys(t.db), sharedDevKeys(t.db)]);
    expect(keysB).toEqual(keysA);
    const appId = '2021000000000077';
    const process = () => {
      const sim = new GatewaySimulator({ appId, appPublicKeyPem: keysA.app.publicKeyPem, clock, keys: keysA.gateway, store: new DbSimTransferStore(t.db) });
      const gateway = new AlipayGateway({
        appId, appPrivateKeyPem: keysA.app.privateKeyPem, gatewayPublicKeyPem: keysA.gateway.publicKeyPem,
        gatewayUrl: sim.gatewayUrl, transport: sim.transport, clock,
      });
      return { sim, gateway };
    };
    const a = process();
    const b = process();
    const payee = { identity: 'seller@example.com', identityType: 'ALIPAY_LOGON_ID' as const };
    // The same payout sent through both processes at once, then again (a retry after a crash).
    const [ra, rb] = await Promise.all([
      a.gateway.transfer({ outBizNo: 'cr_ord_shared1', amountFen: 1_234, payee, title: 't' }),
      b.gateway.transfer({ outBizNo: 'cr_ord_shared1', amountFen: 1_234, payee, title: 't' }),
    ]);
    expect(ra.kind).toBe('succeeded');
    expect(rb).toEqual(ra);
    expect(await b.gateway.transfer({ outBizNo: 'cr_ord_shared1', amountFen: 1_234, payee, title: 't' })).toEqual(ra);
    // Another amount under the same out_biz_no is refused, whichever process is asked.
    expect((await a.gateway.transfer({ outBizNo: 'cr_ord_shared1', amountFen: 999, payee, title: 't' })).kind).toBe('failed');
    await b.gateway.transfer({ outBizNo: 'cr_ord_shared2', amountFen: 500, payee, title: 't' });
    expect(await a.gateway.query('cr_ord_shared2')).toMatchObject({ kind: 'succeeded' });

    for (const p of [a, b]) {
      const rows = await p.gateway.statement('2026-03-10');
      expect(rows.map((r) => [r.outBizNo, r.amountFen]).sort()).toEqual([['cr_ord_shared1', 1_234], ['cr_ord_shared2', 500]]);
    }
    // Money moved once per out_biz_no, counting both instances.
    expect(a.sim.executed.length + b.sim.executed.length).toBe(2);
  });

  it('createDevGateway wires the shared state: a second process verifies the first one’s answers', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 11, 4, 0, 0));
    const one = await createDevGateway({ clock, notifyUrl: 'http://127.0.0.1/notify', db: t.db });
    const two = await createDevGateway({ clock, notifyUrl: 'http://127.0.0.1/notify', db: t.db });
    one.onNotify(async () => 'success');
    two.onNotify(async () => 'success');
    const payee = { identity: 'seller@example.com', identityType: 'ALIPAY_LOGON_ID' as const };
    expect((await one.gateway.transfer({ outBizNo: 'cr_ord_dev1', amountFen: 100, payee, title: 't' })).kind).toBe('succeeded');
    expect(await two.gateway.query('cr_ord_dev1')).toMatchObject({ kind: 'succeeded' });
    expect((await two.gateway.statement('2026-03-11')).map((r) => r.outBizNo)).toEqual(['cr_ord_dev1']);
  });
});
