import { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createMetrics, type Metrics } from '../core/metrics.js';
import { openDatabase, type Database, type OpenOptions } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { BLIND_INDEX_KEY_ID, BlindIndex } from '../security/blind-index.js';
import { Envelope } from '../security/envelope.js';
import { loadKeyRing, type MasterKeyRing } from '../security/master-keys.js';
import { DatabaseNonceStore, RedisNonceStore, type NonceStore } from '../security/nonce-store.js';
import { RequestAuthenticator } from '../security/request-authenticator.js';
import { IdempotencyStore } from '../security/idempotency.js';
import { MerchantService } from '../merchants/merchant-service.js';
import { OrderEventBus } from '../orders/order-events.js';
import { OrderService } from '../orders/order-service.js';
import { BullQueue } from '../queue/bullmq-queue.js';
import { DatabaseQueue } from '../queue/database-queue.js';
import type { JobQueue } from '../queue/types.js';
import { registerPipeline } from './register-pipeline.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  database: Database;
  redis?: Redis;
  queue: JobQueue;
  keyRing: MasterKeyRing;
  envelope: Envelope;
  blindIndex: BlindIndex;
  merchants: MerchantService;
  orders: OrderService;
  events: OrderEventBus;
  idempotency: IdempotencyStore;
  authenticator: RequestAuthenticator;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
  /** Run the job processors in this process (serve without Redis, worker, tests). */
  workers?: boolean;
  /** Tests: a PostgreSQL schema, a Redis key prefix and a queue name of their own. */
  databaseOptions?: OpenOptions;
  queuePrefix?: string;
  previousMasterKeys?: string;
}

/** The composition root: builds every service once, with explicit dependencies (DESIGN convention 5). */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ defaults: options.workers !== undefined });
  const database = await openDatabase(config.databaseUrl, options.databaseOptions);
  await migrateToLatest(database.db);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true }) : undefined;

  const keyRing = loadKeyRing({
    masterKey: config.masterKey,
    previousMasterKeys: options.previousMasterKeys ?? process.env.CARDRECYCLE_PREVIOUS_MASTER_KEYS,
    profile: config.profile,
    dataDir: config.dataDir,
    warn: (m) => logger.warn(m),
  });
  const envelope = new Envelope({ db: database.db, keyRing, now: () => clock.now() });
  const blindIndex = new BlindIndex(await envelope.namedKey(BLIND_INDEX_KEY_ID));
  const queue: JobQueue = config.redisUrl
    ? new BullQueue({ redisUrl: config.redisUrl, logger, prefix: options.queuePrefix })
    : new DatabaseQueue({ db: database.db, dialect: database.dialect, logger, queue: options.queuePrefix });
  const nonces: NonceStore = redis ? new RedisNonceStore(redis, `${options.queuePrefix ?? 'cr'}:nonce:`) : new DatabaseNonceStore(database.db);
  const merchants = new MerchantService({ db: database.db, envelope, clock });
  const events = new OrderEventBus();
  const orders = new OrderService({ db: database.db, dialect: database.dialect, envelope, blindIndex, queue, clock, events, logger });
  const idempotency = new IdempotencyStore({ db: database.db, clock });
  const authenticator = new RequestAuthenticator({ merchants, nonces, clock });

  metrics.setQueueSource(() => queue.counts());

  const runtime: Runtime = {
    config, logger, clock, metrics, database, redis, queue, keyRing, envelope, blindIndex, merchants, orders, events, idempotency, authenticator,
    close: async () => {
      await queue.close();
      await redis?.quit().catch(() => undefined);
      await database.close();
    },
  };
  if (options.workers) registerPipeline(runtime);
  return runtime;
}
