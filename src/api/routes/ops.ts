import { Router } from 'express';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { Db } from '../../store/database.js';
import type { Metrics } from '../../core/metrics.js';

export interface OpsDeps {
  db: Db;
  redis?: Redis;
  metrics: Metrics;
  /** False once shutdown has begun: readiness fails so load balancers stop sending traffic. */
  accepting: () => boolean;
}

async function probe(check: () => Promise<unknown>, timeoutMs = 1000): Promise<'ok' | string> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]);
    return 'ok';
  } catch (e) {
    return e instanceof Error ? e.message.slice(0, 100) : 'failed';
  }
}

export function opsRoutes(deps: OpsDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = { database: await probe(() => sql`select 1`.execute(deps.db)) };
    if (deps.redis) checks.redis = await probe(() => deps.redis!.ping());
    if (!deps.accepting()) checks.shutdown = 'in progress';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
