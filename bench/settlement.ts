/**
 * End-to-end settlement benchmark through the real service: starts `cardrecycle serve` (dev
 * profile: carrier and gateway simulators, the database queue, or BullMQ with --redis) and, with
 * --workers N, N `cardrecycle worker` processes beside it; submits N signed orders at R per second
 * (open loop: a slow service does not slow the submitter down), waits until every one is settled,
 * and prints what the service sustained, p50/p99 order-to-paid time (from the moment the client
 * sent the order to its `settled` transition), payouts per order counted at the gateway simulator
 * (whose state is shared by all processes through the database), and the ledger check.
 *
 * --chaos SIGKILLs a random worker process every --kill-every-ms (respawning it) until
 * --chaos-tail-ms after the last answer and at least --min-kills kills, and makes the gateway simulator fail --fault-rate of the
 * transfer calls (half of them after moving the money, answer lost).
 *
 *   npx tsx bench/settlement.ts [--orders 1000] [--rate 100] [--workers 0] [--no-serve-workers]
 *       [--chaos [--kill-every-ms 2000] [--chaos-tail-ms 5000] [--fault-rate 0.05]]
 *       [--database postgres://…] [--redis redis://…] [--json] [--cpu-prof DIR] [--preload MODULE]
 *
 * Loopback only; bounded by --timeout (seconds). Exit code 1 when an order is not settled, paid
 * other than once, or the ledger check fails.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authorizationHeader } from '../src/security/signature.js';
import { cpuSecondsOf, whenReady } from './service-process.js';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    timeout: { type: 'string', default: '300' },
    workers: { type: 'string', default: '0' },
    /** Whether `serve` runs job workers too (default: yes without --workers, no with them). */
    'serve-workers': { type: 'boolean' },
    'no-serve-workers': { type: 'boolean', default: false },
    chaos: { type: 'boolean', default: false },
    'kill-every-ms': { type: 'string', default: '2000' },
    'chaos-tail-ms': { type: 'string', default: '5000' },
    /** Chaos goes on after the tail until this many workers were killed (respawns are slow on a loaded machine). */
    'min-kills': { type: 'string', default: '10' },
    'fault-rate': { type: 'string' },
    database: { type: 'string' },
    redis: { type: 'string' },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    /** A module to --import into the service processes (instrumentation while profiling). */
    preload: { type: 'string' },
  },
});
const N = Number(args.orders);
const RATE = Number(args.rate);
const WORKERS = Number(args.workers);
const CHAOS = args.chaos;
const serveWorkers = args['no-serve-workers'] ? false : (args['serve-workers'] ?? WORKERS === 0);
if (CHAOS && WORKERS === 0) throw new Error('--chaos needs --workers N (it kills worker processes)');
const faultRate = Number(args['fault-rate'] ?? (CHAOS ? '0.05' : '0'));
const log = (m: string) => process.stderr.write(m + '\n');
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN;
};
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

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
  SIM_GATEWAY_FAULT_RATE: String(faultRate),
  ...(args.redis ? { REDIS_URL: args.redis } : { REDIS_URL: '' }),
};
const nodeArgs = [
  ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : []),
  ...(args.preload ? ['--import', args.preload] : []),
];
const serveChild: ChildProcess[] = [];
const workers = new Set<ChildProcess>();
/** CPU seconds a service process has used (0 where /proc cannot tell). */
const cpuSeconds = (pid: number | undefined): number => cpuSecondsOf(pid) ?? 0;
/** CPU used by service processes that have exited (killed workers), plus the living ones at the end. */
let cpuOfGone = 0;
const cpuAtStart = new Map<number, number>();
const lastCpu = new Map<number, number>();
const cpuTimer = setInterval(() => {
  for (const c of [...serveChild, ...workers]) if (c.pid) lastCpu.set(c.pid, cpuSeconds(c.pid));
}, 200);
cpuTimer.unref();

function start(cmd: string[]): Promise<ChildProcess> {
  const child = spawn('node', [...nodeArgs, 'bin/cardrecycle.js', ...cmd], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return whenReady(child, cmd.join(' '));
}

async function startWorker(): Promise<void> {
  const w = await start(['worker']);
  workers.add(w);
  cpuAtStart.set(w.pid!, cpuSeconds(w.pid));
  w.once('exit', () => {
    workers.delete(w);
    // Sampled every 200 ms: a killed worker's last fraction of a second is not counted.
    cpuOfGone += (lastCpu.get(w.pid!) ?? 0) - (cpuAtStart.get(w.pid!) ?? 0);
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
  serveChild.push(await start(serveWorkers ? ['serve'] : ['serve', '--no-workers']));
  cpuAtStart.set(serveChild[0]!.pid!, cpuSeconds(serveChild[0]!.pid));
  for (let i = 0; i < WORKERS; i++) await startWorker();
  log(`service: serve${serveWorkers ? ' (with workers)' : ''} + ${WORKERS} worker process(es), ${args.redis ? 'BullMQ' : 'database queue'}, ${args.database ? 'PostgreSQL' : 'SQLite'}${CHAOS ? `, chaos (kill every ${args['kill-every-ms']} ms, gateway fault rate ${faultRate})` : ''}`);

  const signed = (method: string, path: string, body = '') => {
    const headers: Record<string, string> = {
      authorization: authorizationHeader({ keyId: merchant.keyId, secret: merchant.secret, method, pathAndQuery: path, body, timestamp: Math.floor(Date.now() / 1000), nonce: randomBytes(12).toString('hex') }),
    };
    if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') });
    return fetch(base + path, { method, headers, ...(body ? { body } : {}) });
  };
  const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

  // Chaos: a random worker dies every few seconds and a new one takes its place.
  let kills = 0;
  let chaosOn = CHAOS;
  const chaos = CHAOS
    ? setInterval(() => {
        if (!chaosOn) return;
        const victims = [...workers];
        const victim = victims[Math.floor(Math.random() * victims.length)];
        if (!victim) return;
        victim.kill('SIGKILL');
        kills += 1;
        startWorker().catch((e: unknown) => log(`respawn failed: ${String(e)}`));
      }, Number(args['kill-every-ms']))
    : undefined;

  log(`submitting ${N} orders at ${RATE}/s (load average ${load().join(' ')})…`);
  const sentAt = new Map<string, number>();
  const intake: number[] = [];
  const t0 = Date.now();
  const inflight: Promise<void>[] = [];
  let refused = 0;
  let lastSent = t0;
  let lastAnswer = t0;
  const refusals = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({ merchantOrderId: `b-${i}`, denomination: 100, carrier: 'cmcc', cardNumber: digits(17), cardPin: digits(14) + '5678', seller: { id: `seller-${i % 50}` } });
    const sent = Date.now();
    lastSent = sent;
    inflight.push(
      signed('POST', '/v1/orders', body).then(async (res) => {
        const order = (await res.json()) as { id?: string; code?: string };
        lastAnswer = Date.now();
        intake.push(lastAnswer - sent);
        if (res.status === 202 && order.id) sentAt.set(order.id, sent);
        else {
          refused += 1;
          const code = `${res.status}:${order.code ?? 'unknown'}`;
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
        }
      }, (e: unknown) => {
        refused += 1;
        const code = `network:${e instanceof Error ? e.message : String(e)}`;
        refusals.set(code, (refusals.get(code) ?? 0) + 1);
      }),
    );
  }
  const offered = N / Math.max(0.001, (lastSent - t0) / 1000 + 1 / RATE);
  await Promise.all(inflight);
  const accepted = N / ((lastAnswer - t0) / 1000);
  if (process.env.BENCH_DEBUG) {
    const buckets = new Map<number, number>();
    for (const ms of intake) buckets.set(Math.floor(ms / 1000), (buckets.get(Math.floor(ms / 1000)) ?? 0) + 1);
    log(`intake latency by second: ${JSON.stringify(Object.fromEntries([...buckets].sort((a, b) => a[0] - b[0])))}`);
  }
  log(`sent in ${((lastSent - t0) / 1000).toFixed(1)} s (${offered.toFixed(1)}/s offered), all answered after ${((lastAnswer - t0) / 1000).toFixed(1)} s; waiting for settlement (load average ${load().join(' ')})…`);
  const tailEnds = Date.now() + Number(args['chaos-tail-ms']);
  const chaosEnd = setInterval(() => {
    if (Date.now() >= tailEnds && kills >= Number(args['min-kills'])) {
      chaosOn = false;
      clearInterval(chaosEnd);
    }
  }, 100);
  chaosEnd.unref();

  const paidAt = new Map<string, number>();
  const other = new Map<string, string>();
  const deadline = Date.now() + Number(args.timeout) * 1000;
  while ((paidAt.size + other.size < sentAt.size || chaosOn) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    other.clear();
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
  }
  chaosOn = false;
  if (chaos) clearInterval(chaos);
  const loadAfter = load();
  // Service CPU for the whole run (start-up excluded, the final listing and ledger check included).
  const cpuSince = (c: ChildProcess) => cpuSeconds(c.pid) - (cpuAtStart.get(c.pid!) ?? 0);
  const serveCpu = serveChild.reduce((sum, c) => sum + cpuSince(c), 0);
  const serviceCpu = cpuOfGone + serveCpu + [...workers].reduce((sum, c) => sum + cpuSince(c), 0);

  const latencies = [...paidAt].filter(([id]) => sentAt.has(id)).map(([id, at]) => (at - sentAt.get(id)!) / 1000);
  const lastPaid = Math.max(...paidAt.values());
  const settledRate = paidAt.size / ((lastPaid - t0) / 1000);
  // Payouts as the gateway saw them (its state is shared by every process through the database).
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const bill = await (await fetch(`${base}/sim/gateway/bills/${today}.csv`)).text();
  const perOrder = new Map<string, number>();
  let transfers = 0;
  for (const line of bill.trim().split('\n').slice(1)) {
    transfers += 1;
    // out_biz_no is `cr_<order id>`: count by order, so a second out_biz_no for one order would show.
    const orderId = /^cr_(ord_[0-9a-z]+)/.exec(line.split(',')[0]!)?.[1] ?? line;
    perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
  }
  const counts = [...sentAt.keys()].map((id) => perOrder.get(id) ?? 0);
  const ledger = JSON.parse(cli('ledger', 'check', '--json')) as { ok: boolean; entries: number; totalFen: number; violations: unknown[] };
  const report = {
    orders: N,
    rate: RATE,
    accepted: sentAt.size,
    refused,
    refusals: Object.fromEntries(refusals),
    offeredPerSecond: Number(offered.toFixed(1)),
    intakePerSecond: Number(accepted.toFixed(1)),
    settledPerSecond: Number(settledRate.toFixed(1)),
    intakeSeconds: { p50: quantile(intake, 0.5) / 1000, p90: quantile(intake, 0.9) / 1000, p99: quantile(intake, 0.99) / 1000, max: Math.max(...intake) / 1000 },
    settled: paidAt.size,
    notSettled: Object.fromEntries([...other.values()].reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())),
    orderToPaidSeconds: { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99), max: Math.max(...latencies) },
    payoutsPerOrder: { min: Math.min(...counts), max: Math.max(...counts), gatewayTransfers: transfers },
    ledger: { ok: ledger.ok, entries: ledger.entries, totalFen: ledger.totalFen, violations: ledger.violations.length },
    processes: { serveWorkers, workers: WORKERS, kills, gatewayFaultRate: faultRate },
    serviceCpuMsPerOrder: Number(((serviceCpu * 1000) / Math.max(1, sentAt.size)).toFixed(1)),
    serveCpuMsPerOrder: Number(((serveCpu * 1000) / Math.max(1, sentAt.size)).toFixed(1)),
    queue: args.redis ? 'bullmq' : 'database',
    database: args.database ? 'postgres' : 'sqlite',
    loadAverage: { after: loadAfter },
  };
  if (args.json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    console.log(`orders ${report.accepted}/${N} accepted (refused ${JSON.stringify(report.refusals)}); settled ${report.settled}; other ${JSON.stringify(report.notSettled)}`);
    console.log(`rate: offered ${report.offeredPerSecond}/s, intake sustained ${report.intakePerSecond}/s (answer p50 ${report.intakeSeconds.p50.toFixed(2)} s, p99 ${report.intakeSeconds.p99.toFixed(2)} s), settled ${report.settledPerSecond}/s`);
    console.log(`order-to-paid (client send → settled) p50 ${report.orderToPaidSeconds.p50.toFixed(2)} s, p99 ${report.orderToPaidSeconds.p99.toFixed(2)} s, max ${report.orderToPaidSeconds.max.toFixed(2)} s (target p99 ≤ 5 s)`);
    console.log(`payouts per order at the gateway: min ${report.payoutsPerOrder.min}, max ${report.payoutsPerOrder.max} (${transfers} transfers; target exactly 1)`);
    console.log(`ledger check: ${ledger.ok ? 'ok' : 'BROKEN'} (${ledger.entries} entries, sum ${ledger.totalFen} fen)`);
    console.log(`processes: serve${serveWorkers ? '+workers' : ''}, ${WORKERS} worker(s)${CHAOS ? `, ${kills} SIGKILLs, gateway fault rate ${faultRate}` : ''}; service CPU ${report.serviceCpuMsPerOrder} ms per order${WORKERS > 0 ? ` (serve ${report.serveCpuMsPerOrder}, workers ${(report.serviceCpuMsPerOrder - report.serveCpuMsPerOrder).toFixed(1)})` : ''}; load average after ${loadAfter.join(' ')}`);
  }
  const exactlyOnce = report.payoutsPerOrder.min === 1 && report.payoutsPerOrder.max === 1 && transfers === report.accepted;
  if (!ledger.ok || !exactlyOnce || report.settled < report.accepted) process.exitCode = 1;
} finally {
  for (const c of [...workers, ...serveChild]) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  rmSync(dir, { recursive: true, force: true });
}
