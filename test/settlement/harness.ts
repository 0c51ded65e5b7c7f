import { ManualClock, systemClock, type Clock } from '../../src/core/clock.js';
import { AlipayGateway } from '../../src/settlement/alipay-gateway.js';
import { generateRsaKeyPair, type RsaKeyPair } from '../../src/settlement/alipay-sign.js';
import { GatewaySimulator } from '../../src/settlement/gateway-simulator.js';
import { handleAlipayNotify } from '../../src/settlement/gateway-notify.js';
import { SettlementService, type SettlementDeps } from '../../src/settlement/settlement-service.js';
import { parseSettlementSettings, type SettlementSettings } from '../../src/settlement/settings.js';
import { MemoryOrders } from '../../src/settlement/dev/memory-orders.js';
import type { Db } from '../../src/store/database.js';

let cached: { app: RsaKeyPair; gateway: RsaKeyPair } | undefined;
/** RSA key generation is slow-ish; one pair per test file is plenty. */
export function testKeys() {
  cached ??= { app: generateRsaKeyPair(), gateway: generateRsaKeyPair() };
  return cached;
}

export const APP_ID = '2021000000000001';

export function buildSettlement(db: Db, opts: { clock?: Clock; settings?: Record<string, unknown>; notifyDelayMs?: number; notifies?: boolean } & Partial<SettlementDeps> = {}) {
  const keys = testKeys();
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 2, 10, 4, 0, 0));
  const orders = new MemoryOrders(clock);
  const settingsByMerchant = new Map<string, SettlementSettings>();
  const merchantSettings = async (m: string) => settingsByMerchant.get(m) ?? parseSettlementSettings(opts.settings ?? { payoutAccount: { identity: 'seller@example.com' } });
  // eslint-disable-next-line prefer-const
  let service: SettlementService;
  const sim = new GatewaySimulator({
    appId: APP_ID, appPublicKeyPem: keys.app.publicKeyPem, clock, keys: keys.gateway, notifyDelayMs: opts.notifyDelayMs ?? 0,
    notifier: async (_url, params) => {
      if (opts.notifies === false) throw new Error('notify lost');
      const answer = await handleAlipayNotify({ gateway, service }, params);
      if (answer !== 'success') throw new Error('notify refused');
    },
  });
  const gateway = new AlipayGateway({
    appId: APP_ID, appPrivateKeyPem: keys.app.privateKeyPem, gatewayPublicKeyPem: keys.gateway.publicKeyPem,
    gatewayUrl: sim.gatewayUrl, notifyUrl: 'http://127.0.0.1/v1/gateway/alipay/notify', transport: sim.transport, clock,
  });
  service = new SettlementService({ db, clock, orders, gateway, merchantSettings, ...opts });
  return { clock, orders, sim, gateway, service, settingsByMerchant, keys };
}

export { systemClock };
