/**
 * Throughput and latency of a signed `GET /v1/orders/{id}` (and of the signed quotes endpoint)
 * against a bare Express hello-world, in
 * the same run, on this machine: each server is its own process, autocannon (50 connections) drives
 * them one after the other from this process, on loopback only, for a bounded time.
 *
 *   npx tsx bench/api.ts [--duration 10] [--connections 50] [--json] [--database postgres://…] [--redis redis://…]
 *                        [--cpu-prof DIR]   (writes a V8 CPU profile of the service to DIR)
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authorizationHeader } from '../src/security/signature.js';
import { cpuSecondsOf, whenReady } from './service-process.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    json: { type: 'boolean', default: false },
    database: { type: 'string' },
    redis: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const log = (m: string) => process.stderr.write(m + '\n');

function startProcess(cmd: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(cmd[0]!, cmd.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return whenReady(child, cmd.join(' '), 60_000);
}

/**
 * One autocannon run. Besides throughput it reports the server's CPU per request, which depends
 * far less than throughput on what else the machine is doing (the load average is printed too).
 */
async function run(title: string, url: string, server: ChildProcess, setup?: autocannon.Options['requests']) {
  log(`${title}: ${connections} connections for ${duration} s…`);
  const cpuBefore = cpuSecondsOf(server.pid);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({ url, connections, duration, ...(setup ? { requests: setup } : {}) });
  const cpuAfter = cpuSecondsOf(server.pid);
  const client = process.cpuUsage(clientBefore);
  return {
    title,
    serverCpuMicrosPerRequest: cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / Math.max(1, result.requests.total)),
    /** Share of one core the load generator used: near 1, it, not the server, sets the pace. */
    clientCpuShare: Number(((client.user + client.system) / 1e6 / duration).toFixed(2)),
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cr-bench-'));
const basePort = 30000 + Math.floor(Math.random() * 10000);
const env: Record<string, string> = {
  PORT: String(basePort),
  DATABASE_URL: args.database ?? `file:${join(dir, 'bench.db')}`,
  CARDRECYCLE_DATA_DIR: dir,
  CARDRECYCLE_MASTER_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'info',
  ...(args.redis ? { REDIS_URL: args.redis } : {}),
};
const children: ChildProcess[] = [];
try {
  log("seeding a merchant and an order…");
  const { execFileSync } = await import('node:child_process');
  const merchant = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'merchant', 'create', '--name', 'bench', '--json'], { env: { ...process.env, ...env, LOG_LEVEL: 'error' }, encoding: 'utf8' }));
  const profile = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : [];
  const service = await startProcess(['node', ...profile, 'bin/cardrecycle.js', 'serve'], env);
  children.push(service);
  const base = `http://127.0.0.1:${basePort}`;
  const sign = (method: string, path: string, body = '') =>
    authorizationHeader({ keyId: merchant.keyId, secret: merchant.secret, method, pathAndQuery: path, body, timestamp: Math.floor(Date.now() / 1000), nonce: randomBytes(12).toString('hex') });
  const body = JSON.stringify({ merchantOrderId: 'bench-1', denomination: 100, cardNumber: '1'.repeat(17), cardPin: '2'.repeat(18) });
  const created = await fetch(`${base}/v1/orders`, { method: 'POST', body, headers: { authorization: sign('POST', '/v1/orders', body), 'content-type': 'application/json', 'idempotency-key': 'bench-1' } });
  const order = (await created.json()) as { id: string };
  const path = `/v1/orders/${order.id}`;

  // node itself (not npx): SIGTERM must reach the server, or it outlives the bench holding its pipes.
  // Every signed request needs a fresh nonce. The headers are signed before each run, so the load
  // generator (on the same two cores) spends its time sending, not hashing; if a run outlasts the
  // stock, the rest are signed on the fly. Timestamps stay well inside the ±300 s window.
  const presigned = (method: string, p: string) => {
    const stock = Array.from({ length: Math.min(200_000, duration * 8_000) }, () => sign(method, p));
    return () => stock.pop() ?? sign(method, p);
  };
  const bareServer = await startProcess(['node', '--import', 'tsx', 'bench/bare-express.ts'], { PORT: String(basePort + 1) });
  children.push(bareServer);

  const loadBefore = loadavg()[0]!;
  const bare = await run('bare Express hello-world', `http://127.0.0.1:${basePort + 1}/hello`, bareServer);
  const orderHeaders = presigned('GET', path);
  const signed = await run('signed GET /v1/orders/{id}', base + path, service, [
    { method: 'GET', path, setupRequest: (req) => ({ ...req, headers: { ...(req.headers ?? {}), authorization: orderHeaders() } }) },
  ]);
  // The quotes endpoint through the whole signed app (issue 4's throughput target).
  const quotePath = '/v1/quotes?carrier=cmcc&denomination=100';
  const quoteHeaders = presigned('GET', quotePath);
  const quotes = await run('signed GET /v1/quotes', base + quotePath, service, [
    { method: 'GET', path: quotePath, setupRequest: (req) => ({ ...req, headers: { ...(req.headers ?? {}), authorization: quoteHeaders() } }) },
  ]);
  const ratio = signed.requestsPerSecond / bare.requestsPerSecond;
  const quotesRatio = quotes.requestsPerSecond / bare.requestsPerSecond;
  const report = {
    connections, durationSeconds: duration, database: args.database ? 'postgres' : 'sqlite',
    loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) }, bare, signed, quotes,
    throughputRatio: Number(ratio.toFixed(3)), quotesThroughputRatio: Number(quotesRatio.toFixed(3)),
    targets: { throughputRatio: 0.5, signedP99Ms: 50, quotesThroughputRatio: 0.5 },
  };
  if (args.json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    for (const r of [bare, signed, quotes]) {
      console.log(`${r.title.padEnd(30)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  server CPU ${r.serverCpuMicrosPerRequest ?? '?'} µs/request  client ${Math.round(r.clientCpuShare * 100)}% of a core  non-2xx ${r.non2xx}  errors ${r.errors}`);
    }
    console.log(`load average (1 min) before ${report.loadAverage1m.before}, after ${report.loadAverage1m.after}`);
    console.log(`throughput ratio signed/bare: ${ratio.toFixed(3)} (target ≥ 0.5); signed p99 ${signed.p99Ms} ms (target < 50 ms)`);
    console.log(`throughput ratio quotes/bare: ${quotesRatio.toFixed(3)} (target ≥ 0.5)`);
  }
  if (signed.non2xx > 0 || signed.errors > 0 || quotes.non2xx > 0) process.exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  rmSync(dir, { recursive: true, force: true });
}
// autocannon leaves sockets and timers behind: without this the process never ends.
process.exit();
