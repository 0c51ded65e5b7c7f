/**
 * Settlement benchmark: pushes N orders (default 1000) at R orders/s (default 100) through T+0
 * settlement against the gateway simulator and prints p50/p99 order-to-paid time, payouts per
 * order (counted at the simulator: transfers that moved money) and the ledger check.
 *
 *   npx tsx bench/settlement-service.ts [--orders 1000] [--rate 100] [--db file:/tmp/b.db|postgres://…]
 *                               [--queue memory|database] [--workers N] [--chaos [--kill-every-ms 4000] [--chaos-tail-ms 10000]]
 *
 * The orders module is driven through a small DB-backed OrderPipelinePort fake (table bench_orders,
 * created in the bench database only). --chaos runs the settlement workers as child processes on
 * the durable database queue and SIGKILLs one at random every 4 s (respawning it) until 10 s after
 * the last order; the simulator
 * and the notify route stay in this process, reached over loopback HTTP.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { systemClock } from '../src/core/clock.js';
import { AppError } from '../src/core/errors.js';
import { createLogger } from '../src/core/logger.js';
import { canTransition, type OrderStatus } from '../src/orders/statuses.js';
import type { OrderPipelinePort, PipelineOrder, TransitionInfo } from '../src/orders/port.js';
import { DatabaseQueue } from '../src/queue/database-queue.js';
import type { JobQueue } from '../src/queue/types.js';
import { dropPostgresSchema, openDatabase, type Database, type Db } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { settlementRoutes, NOTIFY_PATH } from '../src/api/routes/settlement.js';
import { MemoryQueue } from '../src/settlement/dev/memory-queue.js';
import {
  AlipayGateway, GatewaySimulator, SettlementService, checkLedger, enqueueSettlement, fetchTransport, generateRsaKeyPair,
  handleAlipayNotify, parseSettlementSettings, reconcile, registerSettlementJobs, businessDay, type PayoutGateway, type RsaKeyPair,
} from '../src/settlement/index.js';

const APP_ID = '2021000000000099';
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[i + 1]! : dflt;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const logger = createLogger({ level: 'warn', destination: process.stderr as never });
const settings = parseSettlementSettings({ payoutAccount: { identity: 'bench@example.com' }, dailyLimitFen: 10_000_000_000 });

/** DB-backed stand-in for the orders module (compare-and-set transitions, like the real one). */
class BenchOrders implements OrderPipelinePort {
  constructor(private readonly db: Db) {}
  static async setup(db: Db): Promise<void> {
    await sql`create table if not exists bench_orders (id text primary key, merchant_id text not null, status text not null,
      quote_fen bigint not null, settled_fen bigint, enqueued_ms bigint not null, settled_ms bigint)`.execute(db);
  }
  async get(id: string): Promise<PipelineOrder | undefined> {
    const r = (await sql<{ id: string; merchant_id: string; status: OrderStatus; quote_fen: number; settled_fen: number | null }>`
      select id, merchant_id, status, quote_fen, settled_fen from bench_orders where id = ${id}`.execute(this.db)).rows[0];
    if (!r) return undefined;
    return {
      id: r.id, merchantId: r.merchant_id, merchantOrderId: r.id, carrier: 'cmcc', denomination: 100, status: r.status, reason: null,
      quoteFen: Number(r.quote_fen), settledFen: r.settled_fen === null ? null : Number(r.settled_fen), notifyUrl: null, payout: null,
      context: {}, cardFingerprint: 'fp', createdAt: '',
    };
  }
  async revealCard(): Promise<never> {
    throw new AppError('not_supported', 500, 'Not supported');
  }
  async transition(id: string, to: OrderStatus, info: TransitionInfo = {}): Promise<PipelineOrder> {
    const o = await this.get(id);
    if (!o || !canTransition(o.status, to)) throw new AppError('invalid_transition', 409, 'Conflict');
    const r = await sql`update bench_orders set status = ${to}, settled_fen = ${info.settledFen ?? null},
      settled_ms = ${to === 'settled' ? Date.now() : null} where id = ${id} and status = ${o.status}`.execute(this.db);
    if (Number(r.numAffectedRows) !== 1) throw new AppError('invalid_transition', 409, 'Conflict');
    return { ...o, status: to };
  }
}

function makeGateway(keys: { app: RsaKeyPair; gateway: RsaKeyPair }, gatewayUrl: string, notifyUrl: string, transport = fetchTransport(5_000)): AlipayGateway {
  return new AlipayGateway({ appId: APP_ID, appPrivateKeyPem: keys.app.privateKeyPem, gatewayPublicKeyPem: keys.gateway.publicKeyPem, gatewayUrl, notifyUrl, transport, clock: systemClock });
}

function makeQueue(kind: string, database: Database, pollMs = 50): JobQueue {
  return kind === 'memory' ? new MemoryQueue() : new DatabaseQueue({ db: database.db, dialect: database.dialect, logger, queue: 'bench', pollMs, leaseMs: 3_000 });
}

async function worker(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_WORKER ?? '{}') as { db: string; schema?: string; keys: { app: RsaKeyPair; gateway: RsaKeyPair }; gatewayUrl: string; notifyUrl: string };
  const database = await openDatabase(cfg.db, { poolSize: 4, schema: cfg.schema });
  const gateway = makeGateway(cfg.keys, cfg.gatewayUrl, cfg.notifyUrl);
  const service = new SettlementService({ db: database.db, clock: systemClock, orders: new BenchOrders(database.db), gateway, merchantSettings: async () => settings, logger });
  const queue = makeQueue('database', database);
  registerSettlementJobs(queue, { db: database.db, gateway, service, clock: systemClock, concurrency: 8 });
  process.send?.('ready');
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const n = Number(arg('orders', '1000'));
  const rate = Number(arg('rate', '100'));
  const chaos = flag('chaos');
  // Worker processes (durable database queue) use both cores; 0 = everything in this process.
  const workers = Number(arg('workers', chaos ? '3' : '0'));
  const queueKind = workers > 0 ? 'database' : arg('queue', 'database');
  const dbUrl = arg('db', `file:${join(mkdtempSync(join(tmpdir(), 'cr-bench-')), 'bench.db')}`);
  // On PostgreSQL the bench runs in a schema of its own, dropped at the end.
  const schema = dbUrl.startsWith('postgres') ? `bench_${process.pid}_${Date.now().toString(36)}` : undefined;
  const database = await openDatabase(dbUrl, { poolSize: 8, schema });
  await migrateToLatest(database.db);
  await BenchOrders.setup(database.db);
  const orders = new BenchOrders(database.db);
  const keys = { app: generateRsaKeyPair(), gateway: generateRsaKeyPair() };

  // The simulator and the notify route live here; workers reach them over loopback in --chaos.
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const notifyUrl = `${base}${NOTIFY_PATH}`;
  let service: SettlementService | undefined;
  let gateway: PayoutGateway | undefined;
  const sim = new GatewaySimulator({ appId: APP_ID, appPublicKeyPem: keys.app.publicKeyPem, clock: systemClock, keys: keys.gateway, baseUrl: `${base}/sim/gateway` });
  if (chaos) sim.setRandomFaultRate(0.05);
  gateway = workers > 0 ? makeGateway(keys, sim.gatewayUrl, notifyUrl) : makeGateway(keys, sim.gatewayUrl, notifyUrl, sim.transport);
  service = new SettlementService({ db: database.db, clock: systemClock, orders, gateway, merchantSettings: async () => settings, logger });
  app.use(settlementRoutes({ handleNotify: (p) => handleAlipayNotify({ gateway: gateway!, service: service! }, p), simulator: sim }));

  const queue = makeQueue(queueKind, database);
  const children = new Set<ChildProcess>();
  let kills = 0;
  let stopChaos = () => undefined as void;
  if (workers > 0) {
    const env = { ...process.env, BENCH_WORKER: JSON.stringify({ db: dbUrl, schema, keys, gatewayUrl: sim.gatewayUrl, notifyUrl }) };
    const spawn = () =>
      new Promise<void>((resolve) => {
        const child = fork(new URL(import.meta.url).pathname, ['--worker'], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        children.add(child);
        child.once('message', () => resolve());
        child.once('exit', () => children.delete(child));
      });
    await Promise.all([...Array(workers).keys()].map(spawn));
    const every = Number(arg('kill-every-ms', '4000'));
    const timer = setInterval(() => {
      if (!chaos) return;
      const victims = [...children];
      const victim = victims[Math.floor(Math.random() * victims.length)];
      if (!victim) return;
      victim.kill('SIGKILL');
      kills += 1;
      void spawn();
    }, every);
    stopChaos = () => clearInterval(timer);
  } else {
    registerSettlementJobs(queue, { db: database.db, gateway, service, clock: systemClock, concurrency: 16 });
  }

  const started = Date.now();
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = `ord_bench${String(i).padStart(5, '0')}`;
    await sql`insert into bench_orders (id, merchant_id, status, quote_fen, enqueued_ms) values (${id}, 'mch_bench', 'priced', ${5_000 + (i % 50) * 100}, ${Date.now()})`.execute(database.db);
    await enqueueSettlement(queue, id);
  }
  const submitSeconds = (Date.now() - started) / 1000;
  // Kills continue for a while after the last order, then the survivors must finish the job.
  setTimeout(() => stopChaos(), Number(arg('chaos-tail-ms', '10000'))).unref();
  const deadline = Date.now() + Number(arg('timeout-ms', '180000'));
  for (;;) {
    const left = Number((await sql<{ n: number }>`select count(*) as n from bench_orders where status <> 'settled'`.execute(database.db)).rows[0]?.n ?? 0);
    if (left === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  stopChaos();
  for (const c of children) c.kill('SIGKILL');
  await sim.flushNotifies();
  // What production's daily reconciliation would do with anything a kill left behind.
  const recon = await reconcile({ db: database.db, gateway, service, clock: systemClock }, businessDay(new Date()));

  const rows = (await sql<{ id: string; status: string; quote_fen: number; enqueued_ms: number; settled_ms: number | null }>`
    select id, status, quote_fen, enqueued_ms, settled_ms from bench_orders`.execute(database.db)).rows;
  const latencies = rows.filter((r) => r.settled_ms !== null).map((r) => Number(r.settled_ms) - Number(r.enqueued_ms)).sort((a, b) => a - b);
  const perOrder = rows.map((r) => sim.transferCount(`cr_${r.id}`));
  const paidFen = sim.executed.reduce((s, t) => s + t.amountFen, 0);
  const quotedFen = rows.reduce((s, r) => s + Number(r.quote_fen), 0);
  const ledger = await checkLedger(database.db);
  const result = {
    orders: n, ratePerSecond: rate, submitSeconds, queue: queueKind, db: database.dialect, workers, chaos, kills,
    settled: rows.filter((r) => r.status === 'settled').length,
    orderToPaidMs: { p50: pct(latencies, 50), p90: pct(latencies, 90), p99: pct(latencies, 99), max: latencies.at(-1) ?? NaN },
    payoutsPerOrder: { min: Math.min(...perOrder), max: Math.max(...perOrder), exactlyOne: perOrder.every((c) => c === 1) },
    paidFenEqualsQuotedFen: paidFen === quotedFen,
    reconciliation: { items: recon.items.length, open: recon.open, autoResolved: recon.items.length - recon.open },
    ledger: { ok: ledger.ok, entries: ledger.entries, violations: ledger.violations.length },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  await queue.close();
  await new Promise((r) => server.close(r));
  await database.close();
  if (schema) await dropPostgresSchema(dbUrl, schema);
  const pass = result.settled === n && result.payoutsPerOrder.exactlyOne && ledger.ok && result.orderToPaidMs.p99 <= 5_000;
  process.exit(pass ? 0 : 1);
}

if (flag('worker')) await worker();
else await main();
