/**
 * Gateway wiring. Dev profile: the simulator in-process (its transport, no HTTP hop) over state
 * shared through the database (transfers and RSA keys, so serve and its workers see one gateway);
 * notifies go straight to this process's notify handler (same code as the HTTP route).
 * With GATEWAY_URL: the real Alipay gateway over HTTPS with keys from the environment.
 */
import type { Clock } from '../core/clock.js';
import type { Db } from '../store/database.js';
import type { AlipayParams } from './alipay-sign.js';
import { AlipayGateway, fetchTransport, type PayoutGateway } from './alipay-gateway.js';
import { DbSimTransferStore, sharedDevKeys } from './gateway-sim-store.js';
import { GatewaySimulator } from './gateway-simulator.js';

export interface GatewaySetup {
  gateway: PayoutGateway;
  simulator?: GatewaySimulator;
  /** Dev: where the simulator's in-process notifies go (call once the settlement facade exists). */
  onNotify(handler: (params: AlipayParams) => Promise<'success' | 'fail'>): void;
}

export async function createDevGateway(opts: {
  clock: Clock;
  notifyUrl: string;
  db: Db;
  appId?: string;
  notifyDelayMs?: number;
  /** Chaos runs: this share of transfer calls fails at random (half of them after moving the money). */
  randomFaultRate?: number;
}): Promise<GatewaySetup> {
  const appId = opts.appId ?? '2021000000000000';
  const keys = await sharedDevKeys(opts.db);
  const app = keys.app;
  let handler: ((params: AlipayParams) => Promise<'success' | 'fail'>) | undefined;
  const simulator = new GatewaySimulator({
    // Like Alipay's, the notify follows the synchronous answer (which usually confirms the payout first).
    appId, appPublicKeyPem: app.publicKeyPem, clock: opts.clock, notifyDelayMs: opts.notifyDelayMs ?? 300,
    keys: keys.gateway, store: new DbSimTransferStore(opts.db),
    notifier: async (_url, params) => {
      if (!handler) throw new Error('no notify handler yet');
      if ((await handler(params)) !== 'success') throw new Error('notify refused');
    },
  });
  if (opts.randomFaultRate) simulator.setRandomFaultRate(opts.randomFaultRate);
  const gateway = new AlipayGateway({
    appId, appPrivateKeyPem: app.privateKeyPem, gatewayPublicKeyPem: simulator.keys.publicKeyPem,
    gatewayUrl: simulator.gatewayUrl, notifyUrl: opts.notifyUrl, transport: simulator.transport, clock: opts.clock,
  });
  return { gateway, simulator, onNotify: (h) => void (handler = h) };
}

/** Production: ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY (PEM), ALIPAY_PUBLIC_KEY (PEM), GATEWAY_URL. */
export function createAlipayGateway(opts: { clock: Clock; gatewayUrl: string; notifyUrl: string; env?: NodeJS.ProcessEnv }): GatewaySetup {
  const env = opts.env ?? process.env;
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`${k} is required when GATEWAY_URL is set`);
    return v.replaceAll('\\n', '\n');
  };
  const gateway = new AlipayGateway({
    appId: need('ALIPAY_APP_ID'), appPrivateKeyPem: need('ALIPAY_APP_PRIVATE_KEY'), gatewayPublicKeyPem: need('ALIPAY_PUBLIC_KEY'),
    gatewayUrl: opts.gatewayUrl, notifyUrl: opts.notifyUrl, transport: fetchTransport(), clock: opts.clock,
  });
  return { gateway, onNotify: () => undefined };
}
