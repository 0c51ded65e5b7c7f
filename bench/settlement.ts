/**
 * End-to-end settlement benchmark through the real service: starts `cardrecycle serve` (dev
 * profile: carrier and gateway simulators, in-process database queue, or BullMQ with --redis),
 * submits N signed orders at R per second, waits until every one is settled, and prints p50/p99
 * order-to-paid time (intake to `settled`), payouts per order counted at the gateway simulator's
 * statement, and the ledger check. Loopback only; bounded by --timeout.
 *
 *   npx tsx bench/settlement.ts [--orders 1000] [--rate 100] [--database postgres://…] [--redis redis://…] [--json]
 *
 * bench/settlement-service.ts drives settlement alone (and its chaos mode kills worker processes).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authorizationHeader } from '../src/security/signature.js';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    timeout: { type: 'string', default: '300' },
    database: { type: 'string' },
    redis: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(args.orders);
const RATE = Number(args.rate);
const log = (m: string) => process.stderr.write(m + '\n');
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN;
};

const dir = mkdtempSync(join(tmpdir(), 'cr-bench-settle-'));
const port = 30000 + Math.floor(Math.random() * 10000);
const base = `http://127.0.0.1:${port}`;
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  PORT: String(port),
  PUBLIC_BASE_URL: base,
  DATABASE_URL: args.database ?? `file:${join(dir, 'bench.db')}`,
  CARDRECYCLE_DATA_DIR: dir,
  CARDRECYCLE_MASTER_KEY: randomBytes(32).toString('base64'),
  CARDRECYCLE_QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
  LOG_LEVEL: 'warn',
  ...(args.redis ? { REDIS_URL: args.redis } : { REDIS_URL: '' }),
};
const children: ChildProcess[] = [];

function start(cmd: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('cardrecycle listening') || out.includes('worker started')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`${cmd.join(' ')} exited with ${code}`)));
  });
}

try {
  const cli = (...a: string[]) => execFileSync('node', ['bin/cardrecycle.js', ...a], { env, encoding: 'utf8' });
  const merchant = JSON.parse(cli('merchant', 'create', '--name', 'bench', '--json')) as { merchantId: string; keyId: string; secret: string };
  // Limits sized for a load test: the defaults would (rightly) stop one merchant's 1000 cards.
  cli('merchant', 'settings', '--merchant', merchant.merchantId, '--set', JSON.stringify({
    settlement: { cycle: 'T0', dailyLimitFen: 10_000_000_000, payoutAccount: { identity: 'bench-seller@example.com' } },
    risk: { merchantDailyLimitFen: 10_000_000_000, sellerDailyLimitFen: 10_000_000_000 },
  }));
  children.push(await start(['node', 'bin/cardrecycle.js', 'serve']));
  // One process runs the API and the workers: the dev gateway simulator lives in-process, so a
  // separate worker would pay through a simulator of its own, out of this bench's sight.

  const signed = (method: string, path: string, body = '') => {
    const headers: Record<string, string> = {
      authorization: authorizationHeader({ keyId: merchant.keyId, secret: merchant.secret, method, pathAndQuery: path, body, timestamp: Math.floor(Date.now() / 1000), nonce: randomBytes(12).toString('hex') }),
    };
    if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') });
    return fetch(base + path, { method, headers, ...(body ? { body } : {}) });
  };
  const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

  log(`submitting ${N} orders at ${RATE}/s…`);
  const submittedAt = new Map<string, number>();
  const t0 = Date.now();
  const inflight: Promise<void>[] = [];
  let refused = 0;
  const refusals = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({ merchantOrderId: `b-${i}`, denomination: 100, carrier: 'cmcc', cardNumber: digits(17), cardPin: digits(14) + '5678', seller: { id: `seller-${i % 50}` } });
    inflight.push(
      signed('POST', '/v1/orders', body).then(async (res) => {
        const order = (await res.json()) as { id?: string };
        if (res.status === 202 && order.id) submittedAt.set(order.id, Date.parse((order as { createdAt: string }).createdAt));
        else {
          refused += 1;
          const code = `${res.status}:${(order as { code?: string }).code ?? 'unknown'}`;
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
        }
      }),
    );
  }
  await Promise.all(inflight);
  const offered = N / ((Date.now() - t0) / 1000);
  log(`submitted in ${((Date.now() - t0) / 1000).toFixed(1)} s (${offered.toFixed(0)} orders/s offered); waiting for settlement…`);

  const paidAt = new Map<string, number>();
  const other = new Map<string, string>();
  const deadline = Date.now() + Number(args.timeout) * 1000;
  while (paidAt.size + other.size < submittedAt.size && Date.now() < deadline) {
    let cursor: string | null = null;
    do {
      const res = await signed('GET', `/v1/orders?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await res.json()) as { data: Array<{ id: string; status: string; reason: string | null; updatedAt: string }>; nextCursor: string | null };
      for (const o of page.data) {
        if (o.status === 'settled') paidAt.set(o.id, Date.parse(o.updatedAt));
        else if (['rejected', 'review', 'frozen', 'failed', 'disputed'].includes(o.status)) other.set(o.id, `${o.status}:${o.reason}`);
      }
      cursor = page.nextCursor;
    } while (cursor);
    await new Promise((r) => setTimeout(r, 500));
  }

  const latencies = [...paidAt].map(([id, at]) => (at - submittedAt.get(id)!) / 1000);
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const bill = await (await fetch(`${base}/sim/gateway/bills/${today}.csv`)).text();
  const perOrder = new Map<string, number>();
  for (const line of bill.trim().split('\n').slice(1)) {
    const outBizNo = line.split(',')[0]!;
    perOrder.set(outBizNo, (perOrder.get(outBizNo) ?? 0) + 1);
  }
  const counts = [...submittedAt.keys()].map((id) => perOrder.get(`cr_${id}`) ?? 0);
  const ledger = JSON.parse(cli('ledger', 'check', '--json')) as { ok: boolean; entries: number; totalFen: number; violations: unknown[] };
  const report = {
    orders: N,
    accepted: submittedAt.size,
    refused,
    refusals: Object.fromEntries(refusals),
    offeredPerSecond: Number(offered.toFixed(1)),
    settled: paidAt.size,
    notSettled: Object.fromEntries([...other.values()].reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())),
    orderToPaidSeconds: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: Math.max(...latencies) },
    payoutsPerOrder: { min: Math.min(...counts), max: Math.max(...counts) },
    ledger: { ok: ledger.ok, entries: ledger.entries, totalFen: ledger.totalFen, violations: ledger.violations.length },
    queue: args.redis ? 'bullmq' : 'database',
    database: args.database ? 'postgres' : 'sqlite',
  };
  if (args.json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    console.log(`orders ${report.accepted}/${N} accepted at ${report.offeredPerSecond}/s (refused ${JSON.stringify(report.refusals)}); settled ${report.settled}; other ${JSON.stringify(report.notSettled)}`);
    console.log(`order-to-paid p50 ${report.orderToPaidSeconds.p50.toFixed(2)} s, p99 ${report.orderToPaidSeconds.p99.toFixed(2)} s (target p99 ≤ 5 s)`);
    console.log(`payouts per order at the gateway: min ${report.payoutsPerOrder.min}, max ${report.payoutsPerOrder.max} (target exactly 1)`);
    console.log(`ledger check: ${ledger.ok ? 'ok' : 'BROKEN'} (${ledger.entries} entries, sum ${ledger.totalFen} fen)`);
  }
  if (!ledger.ok || report.payoutsPerOrder.max > 1 || report.settled < report.accepted) process.exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  rmSync(dir, { recursive: true, force: true });
}
