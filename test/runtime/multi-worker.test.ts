import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { dropPostgresSchema } from '../../src/store/database.js';
import { PG_URL, REDIS_URL } from '../helpers/db.js';
import { testCard } from '../helpers/app.js';

/**
 * Three real `cardrecycle worker` processes on one Redis and one PostgreSQL schema: every order is
 * validated, verified, priced and settled exactly once (one history entry per step, one payout),
 * none is lost.
 */
describe('several worker processes on one Redis', () => {
  it('handle each order exactly once', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const prefix = `crw${randomBytes(4).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'cr-workers-'));
    const masterKey = randomBytes(32).toString('base64');
    // The schema is chosen through the connection string's options, as an operator would.
    const databaseUrl = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, CARDRECYCLE_MASTER_KEY: masterKey, CARDRECYCLE_DATA_DIR: dir, CARDRECYCLE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
    const config = loadConfig(env);
    const runtime = await createRuntime(config, { logger: createLogger({ level: 'silent' }), databaseOptions: { schema }, queuePrefix: prefix, workers: false });
    const workers: ChildProcess[] = [];
    try {
      for (let i = 0; i < 3; i++) workers.push(spawn('node', ['bin/cardrecycle.js', 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
      const merchant = await runtime.merchants.create({ name: 'w' });
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const order = await runtime.orders.create(merchant.merchantId, { merchantOrderId: `w-${i}`, denomination: 50, ...testCard('ctcc', i % 5 === 0 ? '4444' : '5678'), payout: { channel: 'alipay', identity: `seller${i}@example.com`, identityType: 'ALIPAY_LOGON_ID' } } as never);
        ids.push(order.id);
      }
      const deadline = Date.now() + 90_000;
      let statuses: string[] = [];
      while (Date.now() < deadline) {
        statuses = await Promise.all(ids.map(async (id) => (await runtime.orders.get(id))!.status));
        if (statuses.every((s) => s === 'settled')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(statuses.filter((s) => s === 'settled')).toHaveLength(30);
      const events = await runtime.database.db.selectFrom('order_events').select(['order_id', 'to_status']).where('order_id', 'in', ids).execute();
      for (const step of ['received', 'validated', 'verified', 'priced', 'settling', 'settled']) {
        const per = new Map<string, number>();
        for (const e of events.filter((x) => x.to_status === step)) per.set(e.order_id, (per.get(e.order_id) ?? 0) + 1);
        expect([...per.values()].every((n) => n === 1), `${step} recorded more than once`).toBe(true);
        expect(per.size, step).toBe(30);
      }
      // Exactly one payout per order, and books that balance.
      const payouts = await runtime.database.db.withTables<{ payouts: { order_id: string } }>().selectFrom('payouts').select('order_id').where('order_id', 'in', ids).execute();
      expect(payouts).toHaveLength(30);
      expect((await runtime.pipeline.settlement.checkLedger()).ok).toBe(true);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.on('exit', r)))));
      await runtime.close();
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
      await dropPostgresSchema(PG_URL, schema);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
