import { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createMetrics, type Metrics } from '../core/metrics.js';
import { openDatabase, type Database, type OpenOptions } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { BLIND_INDEX_KEY_ID, BlindIndex } from '../security/blind-index.js';
import { AUDIT_HEAD_KEY_ID } from '../audit/audit-log.js';
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
import { registerValidationJob } from '../orders/validation-job.js';
import { createPipelineServices, type PipelineServices } from './pipeline.js';

/** The services every process has; the pipeline domains are built on top of these. */
export interface CoreRuntime {
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
}

export interface Runtime extends CoreRuntime {
  pipeline: PipelineServices;
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
  const queuePrefix = options.queuePrefix ?? config.queuePrefix;
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
    ? new BullQueue({ redisUrl: config.redisUrl, logger, prefix: queuePrefix })
    : new DatabaseQueue({ db: database.db, dialect: database.dialect, logger, queue: queuePrefix, leaseMs: config.queueLeaseMs });
  const nonces: NonceStore = redis ? new RedisNonceStore(redis, `${queuePrefix ?? 'cr'}:nonce:`) : new DatabaseNonceStore(database.db, database.dialect);
  const merchants = new MerchantService({ db: database.db, envelope, clock });
  const events = new OrderEventBus();
  const auditHeadKey = await envelope.namedKey(AUDIT_HEAD_KEY_ID);
  const orders = new OrderService({ db: database.db, dialect: database.dialect, envelope, blindIndex, queue, clock, events, logger, auditHeadKey });
  const idempotency = new IdempotencyStore({ db: database.db, clock });
  const authenticator = new RequestAuthenticator({ merchants, nonces, clock });

  metrics.setQueueSource(() => queue.counts());

  const core: CoreRuntime = { config, logger, clock, metrics, database, redis, queue, keyRing, envelope, blindIndex, merchants, orders, events, idempotency, authenticator };
  const pipeline = await createPipelineServices(core);
  const runtime: Runtime = {
    ...core,
    pipeline,
    close: async () => {
      await queue.close();
      await pipeline.close();
      await redis?.quit().catch(() => undefined);
      await database.close();
    },
  };
  if (options.workers) {
    // Every job processor of the order pipeline, consumed by this process.
    registerValidationJob(queue, { orders, logger });
    await pipeline.registerJobs();
  }
  return runtime;
}
