import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OrderPipelinePort } from '../orders/port.js';
import type { JobQueue } from '../queue/types.js';
import { BlocklistStore } from '../risk/blocklist.js';
import { DbCounterStore, RedisCounterStore, type CounterStore } from '../risk/counters.js';
import { RiskEngine } from '../risk/risk-engine.js';
import type { Db } from '../store/database.js';
import { HttpCarrierAdapter } from './http-adapter.js';
import { OrderLeases } from './order-lease.js';
import { createVerificationMetrics, type VerificationMetrics } from './metrics.js';
import { registerVerificationJobs } from './pipeline.js';
import type { Pricer } from './pipeline-deps.js';
import { MemoryVerificationCache, RedisVerificationCache, type VerificationCache } from './result-cache.js';
import { VerificationResultStore } from './result-store.js';
import { ReviewService } from './review-service.js';
import { ManualItemStore } from './review-store.js';
import { CarrierSimulator, type SimulatorOptions } from './simulator.js';
import { VerificationService, type CarrierChannels, type VerificationServiceDeps } from './verification-service.js';

export interface VerificationStackDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  orders: OrderPipelinePort;
  queue: JobQueue;
  pricer: Pricer;
  merchantSettings: (merchantId: string) => Promise<unknown>;
  /** Given: risk counters and the result cache live in Redis. */
  redis?: Redis;
  /** Real carrier gateway base URL (channels at `${url}/primary` and `${url}/backup`); unset: the simulator. */
  carrierUrl?: string;
  carrierSecret?: string;
  /** Explicit channels per carrier (`default` for the rest); overrides carrierUrl and the simulator. */
  channels?: Record<string, CarrierChannels>;
  simulator?: SimulatorOptions;
  resilience?: VerificationServiceDeps['resilience'];
  /** Durable hand-over of priced orders (to settlement); see PipelineDeps.onPriced. */
  onPriced?: (orderId: string) => Promise<void>;
}

export interface VerificationStack {
  verification: VerificationService;
  metrics: VerificationMetrics;
  risk: RiskEngine;
  blocklist: BlocklistStore;
  counters: CounterStore;
  results: VerificationResultStore;
  items: ManualItemStore;
  reviews: ReviewService;
  /** The in-process simulator when no carrier URL / channels were given (mount its router in dev). */
  simulator?: CarrierSimulator;
  /** Calls registerVerificationJobs(queue, …) with this stack. */
  registerJobs(): void;
}

export const DEV_CARRIER_SECRET = 'dev-carrier-simulator-secret';

/** Builds the verification and risk services from the app's shared pieces (explicit wiring, no singletons). */
export function createVerificationStack(deps: VerificationStackDeps): VerificationStack {
  const metrics = createVerificationMetrics(deps.registry);
  let simulator: CarrierSimulator | undefined;
  let channels = deps.channels;
  if (!channels && deps.carrierUrl) {
    const base = deps.carrierUrl.replace(/\/$/, '');
    const secret = deps.carrierSecret ?? DEV_CARRIER_SECRET;
    channels = {
      default: {
        primary: new HttpCarrierAdapter({ baseUrl: `${base}/primary`, secret, clock: deps.clock }),
        backup: new HttpCarrierAdapter({ baseUrl: `${base}/backup`, secret, clock: deps.clock }),
      },
    };
  }
  if (!channels) {
    simulator = new CarrierSimulator(deps.simulator);
    channels = { default: { primary: simulator.channel('primary'), backup: simulator.channel('backup') } };
  }
  const cache: VerificationCache = deps.redis ? new RedisVerificationCache(deps.redis) : new MemoryVerificationCache(deps.clock);
  const verification = new VerificationService({ channels, cache, metrics, logger: deps.logger, resilience: deps.resilience });
  const counters: CounterStore = deps.redis ? new RedisCounterStore(deps.redis) : new DbCounterStore(deps.db, deps.clock);
  const blocklist = new BlocklistStore(deps.db, deps.clock);
  const risk = new RiskEngine({ db: deps.db, counters, blocklist, clock: deps.clock, orders: deps.orders });
  const results = new VerificationResultStore(deps.db, deps.clock);
  const items = new ManualItemStore(deps.db, deps.clock);
  const reviews = new ReviewService({ orders: deps.orders, items, results, queue: deps.queue, onPriced: deps.onPriced });
  return {
    verification, metrics, risk, blocklist, counters, results, items, reviews, simulator,
    registerJobs: () =>
      registerVerificationJobs(deps.queue, {
        orders: deps.orders, verification, risk, pricer: deps.pricer, clock: deps.clock, logger: deps.logger,
        results, items, leases: new OrderLeases(deps.db, deps.clock), merchantSettings: deps.merchantSettings, onPriced: deps.onPriced,
      }),
  };
}
