import { z } from 'zod';

/** Configuration from the environment, as CONTRACT.md's table says. Parsed once at start-up. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATABASE_URL: z.string().min(1).default('file:./data/cardrecycle.db'),
  REDIS_URL: z.string().min(1).optional(),
  CARDRECYCLE_MASTER_KEY: z.string().min(1).optional(),
  CARDRECYCLE_PROFILE: z.enum(['dev', 'prod']).default('dev'),
  CARRIER_URL: z.string().url().optional(),
  GATEWAY_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CARDRECYCLE_DATA_DIR: z.string().min(1).default('./data'),
  CARDRECYCLE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
  CARDRECYCLE_QUEUE_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).optional(),
});

export type Config = {
  port: number;
  databaseUrl: string;
  redisUrl?: string;
  masterKey?: string;
  profile: 'dev' | 'prod';
  carrierUrl?: string;
  gatewayUrl?: string;
  logLevel: string;
  dataDir: string;
  /** Separates deployments sharing one Redis (BullMQ key prefix) or one database (queue name). */
  queuePrefix?: string;
  /** Database queue: how long a job stays leased to its worker (renewed while it runs). */
  queueLeaseMs?: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    masterKey: c.CARDRECYCLE_MASTER_KEY,
    profile: c.CARDRECYCLE_PROFILE,
    carrierUrl: c.CARRIER_URL,
    gatewayUrl: c.GATEWAY_URL,
    logLevel: c.LOG_LEVEL,
    dataDir: c.CARDRECYCLE_DATA_DIR,
    queuePrefix: c.CARDRECYCLE_QUEUE_PREFIX,
    queueLeaseMs: c.CARDRECYCLE_QUEUE_LEASE_MS,
  };
}
