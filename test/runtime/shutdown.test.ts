import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { startTestApp } from '../helpers/app.js';
import { createApp } from '../../src/api/app.js';
import { createServer } from 'node:http';

describe('graceful shutdown', () => {
  it('finishes an in-flight request and fails readiness while stopping', async () => {
    const app = await startTestApp({ backend: 'sqlite' });
    // A second server over the same runtime with a deliberately slow route.
    const slow = Router().get('/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 400));
      res.json({ done: true });
    });
    const state = { accepting: true };
    const server = createServer(createApp(app.runtime, { publicRouters: [slow] }, state));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const inflight = fetch(`http://127.0.0.1:${port}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    state.accepting = false;
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { connection: 'close' } });
    expect(ready.status).toBe(503);
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closed;
    await app.stop();
  });

  it('the serve command exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-sig-'));
    try {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const child = spawn('node', ['bin/cardrecycle.js', 'serve'], {
        env: { ...process.env, PORT: String(port), DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, CARDRECYCLE_DATA_DIR: dir, CARDRECYCLE_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info', REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      const deadline = Date.now() + 30_000;
      while (!out.includes('cardrecycle listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('shutdown complete');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
