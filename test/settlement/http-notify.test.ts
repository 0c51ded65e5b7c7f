/** The whole payout loop over loopback HTTP: adapter → /sim/gateway → async notify → our route. */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { systemClock } from '../../src/core/clock.js';
import { type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { APP_ID, testKeys } from './harness.js';
import { settlementRoutes, registerSettlementOpenApi, NOTIFY_PATH } from '../../src/api/routes/settlement.js';
import { AlipayGateway, fetchTransport } from '../../src/settlement/alipay-gateway.js';
import { GatewaySimulator } from '../../src/settlement/gateway-simulator.js';
import { handleAlipayNotify } from '../../src/settlement/gateway-notify.js';
import { SettlementService } from '../../src/settlement/settlement-service.js';
import { MemoryOrders } from '../../src/settlement/dev/memory-orders.js';
import { parseSettlementSettings } from '../../src/settlement/settings.js';
import { signNotify } from '../../src/settlement/alipay-sign.js';

describe('gateway notify route over HTTP', () => {
  let t: TestDatabase;
  let server: Server;
  let base: string;
  let service: SettlementService;
  let sim: GatewaySimulator;
  let orders: MemoryOrders;
  const { app: appKeys, gateway: gwKeys } = testKeys();

  beforeAll(async () => {
    t = await openDb('sqlite');
    const app = express();
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sim = new GatewaySimulator({ appId: APP_ID, appPublicKeyPem: appKeys.publicKeyPem, clock: systemClock, keys: gwKeys, baseUrl: `${base}/sim/gateway` });
    const gateway = new AlipayGateway({
      appId: APP_ID, appPrivateKeyPem: appKeys.privateKeyPem, gatewayPublicKeyPem: gwKeys.publicKeyPem,
      gatewayUrl: sim.gatewayUrl, notifyUrl: `${base}${NOTIFY_PATH}`, transport: fetchTransport(5_000), clock: systemClock,
    });
    orders = new MemoryOrders(systemClock);
    service = new SettlementService({ db: t.db, clock: systemClock, orders, gateway, merchantSettings: async () => parseSettlementSettings({ payoutAccount: { identity: 'h@example.com' } }) });
    app.use(settlementRoutes({ handleNotify: (p) => handleAlipayNotify({ gateway, service }, p), simulator: sim }));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t?.cleanup();
  });

  it('confirms a payout whose answer was lost, through the signed notify, answering `success`', async () => {
    orders.add({ id: 'ord_http1', merchantId: 'mch_h', quoteFen: 8_800 });
    sim.injectFaults('lost_response');
    expect((await service.settleOrder('ord_http1')).kind).toBe('pending');
    await sim.flushNotifies();
    expect(sim.notifyLog.at(-1)?.ok).toBe(true);
    expect((await orders.get('ord_http1'))?.status).toBe('settled');
    expect(sim.transferCount('cr_ord_http1')).toBe(1);
  });

  it('answers `fail` to a notify signed with another key, `success` to a replay', async () => {
    const forged = signNotify({ notify_id: 'f', app_id: APP_ID, msg_method: 'alipay.fund.trans.order.changed', biz_content: '{"out_biz_no":"cr_ord_http1","status":"SUCCESS","trans_amount":"1.00","order_id":"x"}', sign_type: 'RSA2' }, appKeys.privateKeyPem);
    const post = (params: Record<string, string>) => fetch(`${base}${NOTIFY_PATH}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    const bad = await post(forged);
    expect(bad.status).toBe(200);
    expect(await bad.text()).toBe('fail');
    const replay = await post(sim.notifyLog.at(-1)!.params);
    expect(await replay.text()).toBe('success');
    expect((await service.payoutForOrder('ord_http1'))?.amount_fen).toBe(8_800);
  });

  it('documents the route in OpenAPI', () => {
    const registry = new OpenAPIRegistry();
    registerSettlementOpenApi(registry);
    expect(JSON.stringify(registry.definitions)).toContain(NOTIFY_PATH);
  });
});
