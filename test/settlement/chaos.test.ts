import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../src/security/signature.js';
import { whenReady } from '../../bench/service-process.js';

/**
 * Chaos: the real service (`cardrecycle serve --no-workers` for intake and three `cardrecycle
 * worker` processes on one SQLite file, database queue) settles orders T+0 while a random worker
 * is SIGKILLed about every second and replaced, and the gateway simulator fails 10% of the
 * transfer calls (half of them after moving the money, answer lost). Afterwards every order is
 * settled, the gateway (whose state all processes share through the database) shows exactly one
 * transfer per order and the amounts the orders were settled with, and `ledger check` passes.
 * `npx tsx bench/settlement.ts --workers 2 --chaos` runs the same at 1000 orders and prints figures.
 */
const run = promisify(execFile);
const ORDERS = 60;
const RATE = 15;
const KILL_EVERY_MS = 1_000;
const CHAOS_MS = 9_000;
const MIN_KILLS = 6;

const dir = mkdtempSync(join(tmpdir(), 'cr-chaos-'));
const port = 30_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: String(port),
  PUBLIC_BASE_URL: base,
  DATABASE_URL: `file:${join(dir, 'chaos.db')}`,
  CARDRECYCLE_DATA_DIR: dir,
  CARDRECYCLE_MASTER_KEY: randomBytes(32).toString('base64'),
  CARDRECYCLE_QUEUE_PREFIX: `chaos${randomBytes(3).toString('hex')}`,
  // A killed worker's jobs come back after 3 s instead of 15 s, to keep the test short.
  CARDRECYCLE_QUEUE_LEASE_MS: '3000',
  SIM_GATEWAY_FAULT_RATE: '0.1',
  REDIS_URL: '',
  LOG_LEVEL: 'info',
};
const processes = new Set<ChildProcess>();

function start(args: string[]): Promise<ChildProcess> {
  const child = spawn('node', ['bin/cardrecycle.js', ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  processes.add(child);
  child.once('exit', () => processes.delete(child));
  return whenReady(child, args.join(' '));
}

const cli = async (...args: string[]) => (await run('node', ['bin/cardrecycle.js', ...args], { env, encoding: 'utf8' })).stdout;
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

afterAll(async () => {
  for (const p of processes) p.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
});

describe('settlement under chaos (worker processes SIGKILLed at random)', () => {
  it('pays every order exactly once and keeps the books balanced', async () => {
    const merchant = JSON.parse(await cli('merchant', 'create', '--name', 'chaos', '--json')) as { merchantId: string; keyId: string; secret: string };
    await cli('merchant', 'settings', '--merchant', merchant.merchantId, '--set', JSON.stringify({
      settlement: { cycle: 'T0', dailyLimitFen: 10_000_000_000, payoutAccount: { identity: 'chaos-seller@example.com' } },
      risk: { merchantDailyLimitFen: 10_000_000_000, sellerDailyLimitFen: 10_000_000_000 },
    }));
    await start(['serve', '--no-workers']);
    const workers = new Set<ChildProcess>();
    const addWorker = async () => {
      const w = await start(['worker']);
      workers.add(w);
      w.once('exit', () => workers.delete(w));
    };
    await Promise.all([addWorker(), addWorker(), addWorker()]);

    const signed = (method: 'GET' | 'POST', path: string, body = '') =>
      fetch(base + path, {
        method,
        headers: {
          authorization: authorizationHeader({ keyId: merchant.keyId, secret: merchant.secret, method, pathAndQuery: path, body, timestamp: Math.floor(Date.now() / 1000), nonce: randomBytes(12).toString('hex') }),
          ...(method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') } : {}),
        },
        ...(body ? { body } : {}),
      });

    // Chaos from the first order on: kill a random worker, start a new one.
    let kills = 0;
    const respawns: Promise<void>[] = [];
    const chaos = setInterval(() => {
      const victims = [...workers];
      const victim = victims[Math.floor(Math.random() * victims.length)];
      if (!victim) return;
      victim.kill('SIGKILL');
      kills += 1;
      respawns.push(addWorker());
    }, KILL_EVERY_MS);
    // At least CHAOS_MS and MIN_KILLS kills (respawns are slow on a loaded machine), at most 30 s.
    const chaosStart = Date.now();
    const chaosOver = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const elapsed = Date.now() - chaosStart;
        if ((elapsed >= CHAOS_MS && kills >= MIN_KILLS) || elapsed >= 30_000) {
          clearInterval(check);
          clearInterval(chaos);
          resolve();
        }
      }, 100);
    });

    const ids: string[] = [];
    const started = Date.now();
    for (let i = 0; i < ORDERS; i++) {
      const wait = started + (i * 1000) / RATE - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const res = await signed('POST', '/v1/orders', JSON.stringify({ merchantOrderId: `chaos-${i}`, carrier: 'cmcc', denomination: 50, cardNumber: digits(17), cardPin: digits(14) + '5678', seller: { id: `s${i % 7}` } }));
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await chaosOver;
    await Promise.all(respawns);
    expect(kills).toBeGreaterThanOrEqual(3);

    // The survivors (and the replacements) finish everything: leases of killed workers run out.
    const settledFen = new Map<string, number>();
    const deadline = Date.now() + 90_000;
    let statuses: Record<string, number> = {};
    while (Date.now() < deadline) {
      statuses = {};
      for (const id of ids) {
        const order = (await (await signed('GET', `/v1/orders/${id}`)).json()) as { status: string; settledFen: number | null };
        statuses[order.status] = (statuses[order.status] ?? 0) + 1;
        if (order.status === 'settled') settledFen.set(id, order.settledFen ?? -1);
      }
      if (settledFen.size === ORDERS) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(statuses).toEqual({ settled: ORDERS });

    // The gateway's own record: one transfer per order (out_biz_no `cr_<order id>`), of the settled amount.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const rows: string[][] = [];
    for (const day of [yesterday, today]) {
      const bill = await (await fetch(`${base}/sim/gateway/bills/${day}.csv`)).text();
      rows.push(...bill.trim().split('\n').slice(1).filter(Boolean).map((l) => l.split(',')));
    }
    const transfers = new Map<string, number[]>();
    for (const [outBizNo = '', , amount = ''] of rows) {
      const orderId = /^cr_(ord_[0-9a-z]+)/.exec(outBizNo)?.[1] ?? outBizNo;
      transfers.set(orderId, [...(transfers.get(orderId) ?? []), Math.round(Number(amount) * 100)]);
    }
    expect(rows).toHaveLength(ORDERS);
    for (const id of ids) expect(transfers.get(id), id).toEqual([settledFen.get(id)]);

    const ledger = JSON.parse(await cli('ledger', 'check', '--json')) as { ok: boolean; violations: unknown[] };
    expect(ledger.violations).toEqual([]);
    expect(ledger.ok).toBe(true);
  }, 180_000);
});
