import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import type { Clock } from '../../src/core/clock.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { startServer } from '../../src/runtime/server.js';
import { authorizationHeader } from '../../src/security/signature.js';
import { dropPostgresSchema } from '../../src/store/database.js';
import { PG_URL, REDIS_URL, type Backend } from './db.js';

export interface SignedOptions {
  headers?: Record<string, string>;
  idempotencyKey?: string | null;
  contentType?: string | null;
  timestamp?: number;
  nonce?: string;
  keyId?: string;
  secret?: string;
  /** Sign these instead of what is sent: to tamper after signing. */
  signMethod?: string;
  signPath?: string;
  signBody?: string | Buffer;
}

export interface TestApp {
  baseUrl: string;
  runtime: Runtime;
  server: Server;
  merchant: { merchantId: string; keyId: string; secret: string };
  logs: string[];
  dataDir: string;
  sqliteFile?: string;
  signed(method: string, path: string, body?: string | Buffer | object, options?: SignedOptions): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  backend?: Backend;
  redis?: boolean;
  workers?: boolean;
  clock?: Clock;
}

/** A real server on a free port over a fresh database (SQLite file or PG schema), optionally Redis. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const backend = options.backend ?? 'sqlite';
  const dataDir = mkdtempSync(join(tmpdir(), 'cr-app-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const prefix = `crt${randomBytes(4).toString('hex')}`;
  const sqliteFile = join(dataDir, 'app.db');
  const config = loadConfig({
    DATABASE_URL: backend === 'sqlite' ? `file:${sqliteFile}` : PG_URL,
    CARDRECYCLE_DATA_DIR: dataDir,
    CARDRECYCLE_MASTER_KEY: randomBytes(32).toString('base64'),
    ...(options.redis ? { REDIS_URL } : {}),
    LOG_LEVEL: 'debug',
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', destination: sink as never });
  const runtime = await createRuntime(config, {
    logger,
    clock: options.clock,
    workers: options.workers ?? true,
    databaseOptions: backend === 'postgres' ? { schema, poolSize: 5 } : {},
    queuePrefix: prefix,
  });
  const { server, stop } = await startServer(runtime, { port: 0, host: '127.0.0.1', installSignalHandlers: false });
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const merchant = await runtime.merchants.create({ name: 'Test merchant' });

  const signed: TestApp['signed'] = async (method, path, body, o = {}) => {
    const payload = body === undefined ? '' : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
    const nonce = o.nonce ?? randomBytes(12).toString('hex');
    const authorization = authorizationHeader({
      keyId: o.keyId ?? merchant.keyId,
      secret: o.secret ?? merchant.secret,
      method: o.signMethod ?? method,
      pathAndQuery: o.signPath ?? path,
      body: o.signBody ?? payload,
      timestamp,
      nonce,
    });
    const headers: Record<string, string> = { authorization, ...(o.headers ?? {}) };
    if (method === 'POST') {
      if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
      if (o.idempotencyKey !== null) headers['idempotency-key'] = o.idempotencyKey ?? randomBytes(8).toString('hex');
    }
    return fetch(baseUrl + path, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: payload }) });
  };

  return {
    baseUrl, runtime, server, merchant, logs, dataDir,
    sqliteFile: backend === 'sqlite' ? sqliteFile : undefined,
    signed,
    stop: async () => {
      await stop();
      if (options.redis) {
        const { Redis } = await import('ioredis');
        const r = new Redis(REDIS_URL);
        const keys = await r.keys(`${prefix}*`);
        if (keys.length) await r.del(...keys);
        await r.quit();
      }
      if (backend === 'postgres') await dropPostgresSchema(PG_URL, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A random card of the carrier with a PIN ending in `pinSuffix` (simulator test cards). */
export function testCard(carrier: 'cmcc' | 'cucc' | 'ctcc' = 'cmcc', pinSuffix = '5678') {
  const lengths = { cmcc: [17, 18], cucc: [15, 19], ctcc: [19, 18] } as const;
  const [n, p] = lengths[carrier];
  const digits = (len: number) => Array.from(randomBytes(len), (b) => String(b % 10)).join('');
  return { carrier, cardNumber: digits(n), cardPin: digits(p - pinSuffix.length) + pinSuffix };
}
