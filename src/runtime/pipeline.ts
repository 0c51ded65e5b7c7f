import type { Server } from 'node:http';
import { createPricingService, pricingPolicySchema, type PricingPolicy, type PricingService } from '../pricing/index.js';
import type { PipelineOrder } from '../orders/port.js';
import { createVerificationStack, type VerificationStack } from '../verification/index.js';
import { createAlipayGateway, createDevGateway, createSettlement, dbDailyLimiter, parseSettlementSettings, redisDailyLimiter, type GatewaySetup, type Settlement } from '../settlement/index.js';
import { attachOrderStream, createOrderEventPublisher, orderEventListener, WebhookDispatcher, type OrderEventPublisher } from '../notify/index.js';
import { NOTIFY_PATH } from '../api/routes/settlement.js';
import { projectPath } from '../core/paths.js';
import type { CoreRuntime } from './create-runtime.js';

/**
 * The pipeline domains behind intake: verification and risk, pricing, settlement, notifications.
 * Built once per process from the core runtime; `serve` mounts their routes, `serve` and `worker`
 * run their jobs.
 */
export interface PipelineServices {
  verification: VerificationStack;
  pricing: PricingService;
  settlement: Settlement;
  gateway: GatewaySetup;
  events: OrderEventPublisher;
  /** The merchant's pricing inputs for a quote: its policy, with its fee terms warmed. */
  policyFor(merchantId: string): Promise<PricingPolicy | undefined>;
  registerJobs(): Promise<void>;
  /** WebSocket push of order status on the HTTP server. */
  attachStream(server: Server): void;
  close(): Promise<void>;
}

/** Dev profile chaos: SIM_GATEWAY_FAULT_RATE (0…0.5) makes the gateway simulator fail that share of transfers. */
function devGatewayFaultRate(): number {
  const rate = Number(process.env.SIM_GATEWAY_FAULT_RATE ?? 0);
  return Number.isFinite(rate) && rate > 0 ? Math.min(rate, 0.5) : 0;
}

export async function createPipelineServices(core: CoreRuntime): Promise<PipelineServices> {
  const { clock, logger, queue, orders } = core;
  const db = core.database.db;
  const settingsOf = async (merchantId: string): Promise<Record<string, unknown>> => (await core.merchants.get(merchantId))?.settings ?? {};

  // Asked for every order transition: the merchant's webhook endpoint is remembered for a second.
  const webhookUrls = new Map<string, { url: string | undefined; at: number }>();
  const webhookUrlOf = async (merchantId: string): Promise<string | undefined> => {
    const now = Date.now();
    const hit = webhookUrls.get(merchantId);
    if (hit && now - hit.at < 1_000) return hit.url;
    const url = parseSettlementSettings((await settingsOf(merchantId)).settlement).webhookUrl;
    if (webhookUrls.size > 10_000) webhookUrls.clear();
    webhookUrls.set(merchantId, { url, at: now });
    return url;
  };
  const webhooks = new WebhookDispatcher({
    db, clock, queue, logger,
    secretFor: (merchantId) => core.merchants.hmacSecret(merchantId),
    defaultUrlFor: webhookUrlOf,
  });
  const publicBase = process.env.PUBLIC_BASE_URL ?? `http://localhost:${core.config.port}`;
  const gateway = core.config.gatewayUrl
    ? createAlipayGateway({ clock, gatewayUrl: core.config.gatewayUrl, notifyUrl: publicBase + NOTIFY_PATH })
    : await createDevGateway({ clock, notifyUrl: publicBase + NOTIFY_PATH, db, randomFaultRate: devGatewayFaultRate() });
  const settlement = createSettlement({
    db, clock, queue, orders, logger, webhooks,
    gateway: gateway.gateway,
    merchantSettings: async (merchantId) => parseSettlementSettings((await settingsOf(merchantId)).settlement),
    limiter: core.redis ? redisDailyLimiter(core.redis, `${core.config.queuePrefix ?? 'cr'}:limit:`) : dbDailyLimiter,
  });
  gateway.onNotify(settlement.handleNotify);

  // A merchant's stored pricing policy; a broken one falls back to the market price rather than failing quotes.
  const policyFor = async (merchantId: string): Promise<PricingPolicy | undefined> => {
    await settlement.warmFeeTerms(merchantId);
    const raw = (await settingsOf(merchantId)).pricingPolicy;
    if (raw === undefined) return undefined;
    const parsed = pricingPolicySchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };

  const pricing = await createPricingService({
    clock,
    feeLines: [settlement.pricingFeeLine],
    modelDir: projectPath('models', 'pricing'),
    dataPath: projectPath('datasets', 'quotes.csv'),
  });

  // The order keeps the quote it was given: its id, rate, model version and breakdown go into its history.
  const pricer = async (order: PipelineOrder) => {
    const quote = await pricing.quote({ carrier: order.carrier, denomination: order.denomination, policy: await policyFor(order.merchantId), merchantId: order.merchantId });
    return {
      quoteFen: quote.priceFen,
      details: { quoteId: quote.quoteId, rate: quote.rate, effectiveRate: quote.effectiveRate, modelVersion: quote.modelVersion, breakdown: quote.breakdown, expiresAt: quote.expiresAt },
    };
  };

  const verification = createVerificationStack({
    db, clock, logger, queue, orders,
    registry: core.metrics.registry,
    redis: core.redis,
    carrierUrl: core.config.carrierUrl,
    carrierSecret: process.env.CARRIER_SECRET,
    pricer,
    merchantSettings: settingsOf,
    // Priced orders go to settlement inside the job that priced them (durable; the job id dedupes).
    onPriced: async (orderId) => void (await settlement.enqueueSettlement(orderId)),
  });

  // Every committed transition in this process: webhooks (as jobs) and WebSocket push.
  const events = createOrderEventPublisher({ webhooks });
  const listener = orderEventListener({ orders, publish: events.publish, wanted: events.wanted, logger });
  const unsubscribe = core.events.subscribe(listener);

  let streamClose: (() => Promise<void>) | undefined;
  return {
    verification, pricing, settlement, gateway, events, policyFor,
    registerJobs: async () => {
      verification.registerJobs();
      settlement.registerJobs();
      await settlement.scheduleReconciliation();
    },
    attachStream: (server) => {
      const stream = attachOrderStream(server, {
        logger,
        authenticate: async (req) => {
          try {
            const header = req.headers.authorization;
            const m = await core.authenticator.authenticate({ method: 'GET', pathAndQuery: req.url ?? '/', authorization: Array.isArray(header) ? header[0] : header, body: Buffer.alloc(0) });
            return m.id;
          } catch {
            return undefined;
          }
        },
      });
      events.setStream(stream);
      streamClose = () => stream.close();
    },
    close: async () => {
      unsubscribe();
      await streamClose?.();
      await pricing.close();
    },
  };
}
