import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/core/logger.js';
import { BullQueue } from '../../src/queue/bullmq-queue.js';
import { DatabaseQueue } from '../../src/queue/database-queue.js';
import { UnrecoverableJobError, type JobQueue } from '../../src/queue/types.js';
import { BACKENDS, REDIS_URL, openTestDatabase, type TestDatabase } from '../helpers/db.js';

const logger = createLogger({ level: 'silent' });

interface Harness {
  make(): JobQueue;
  cleanup(): Promise<void>;
}

async function harness(kind: 'sqlite' | 'postgres' | 'redis'): Promise<Harness> {
  if (kind === 'redis') {
    const prefix = `crq${randomBytes(4).toString('hex')}`;
    const made: BullQueue[] = [];
    return {
      make: () => {
        const q = new BullQueue({ redisUrl: REDIS_URL, logger, prefix });
        made.push(q);
        return q;
      },
      cleanup: async () => {
        const probe = new BullQueue({ redisUrl: REDIS_URL, logger, prefix });
        for (const name of ['t.ok', 't.flaky', 't.fatal', 't.dedupe', 't.delay', 't.durable']) await probe.add(name, null, { delayMs: 1e9 });
        await probe.obliterate();
        await probe.close();
      },
    };
  }
  const db: TestDatabase = await openTestDatabase(kind);
  const queue = `q${randomBytes(4).toString('hex')}`;
  return {
    make: () => new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 20, leaseMs: 500 }),
    cleanup: () => db.cleanup(),
  };
}

describe.each([...BACKENDS, 'redis'] as const)('job queue (%s)', (kind) => {
  let h: Harness;
  const open: JobQueue[] = [];
  const make = () => {
    const q = h.make();
    open.push(q);
    return q;
  };
  afterEach(async () => {
    for (const q of open.splice(0)) await q.close();
    await h?.cleanup();
  });

  it('runs jobs, retries transient failures with backoff, fails permanent ones at once', async () => {
    h = await harness(kind);
    const q = make();
    const seen: string[] = [];
    const attempts: Record<string, number> = {};
    q.process<{ v: string }>('t.ok', async ({ v }) => {
      seen.push(v);
    });
    q.process<{ v: string }>('t.flaky', async ({ v }, ctx) => {
      attempts[v] = ctx.attempt;
      if (ctx.attempt < 3) throw new Error('transient');
      seen.push(v);
    });
    let fatalRuns = 0;
    q.process('t.fatal', async () => {
      fatalRuns += 1;
      throw new UnrecoverableJobError('card invalid');
    });
    await q.add('t.ok', { v: 'a' });
    await q.add('t.flaky', { v: 'b' }, { attempts: 5, backoffMs: 10 });
    await q.add('t.fatal', {}, { attempts: 5, backoffMs: 10 });
    await q.drain(undefined, 20_000);
    expect(seen.sort()).toEqual(['a', 'b']);
    expect(attempts.b).toBe(3);
    expect(fatalRuns).toBe(1);
    const counts = await q.counts();
    expect(counts['t.fatal']?.failed).toBe(1);
  });

  it('adds a job id once', async () => {
    h = await harness(kind);
    const q = make();
    let runs = 0;
    q.process('t.dedupe', async () => {
      runs += 1;
    });
    await Promise.all(Array.from({ length: 5 }, () => q.add('t.dedupe', {}, { jobId: 'same:1' })));
    await q.drain('t.dedupe');
    await q.add('t.dedupe', {}, { jobId: 'same:1' });
    await q.drain('t.dedupe');
    expect(runs).toBe(1);
  });

  it('keeps jobs across a restart: added by one process, run by the next', async () => {
    h = await harness(kind);
    const producer = make();
    for (let i = 0; i < 5; i++) await producer.add('t.durable', { i });
    await producer.close();
    const consumer = make();
    const got: number[] = [];
    consumer.process<{ i: number }>('t.durable', async ({ i }) => {
      got.push(i);
    });
    await consumer.drain('t.durable');
    expect(got.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('delays a job', async () => {
    h = await harness(kind);
    const q = make();
    const at: number[] = [];
    q.process('t.delay', async () => {
      at.push(Date.now());
    });
    const start = Date.now();
    await q.add('t.delay', {}, { delayMs: 300 });
    const deadline = Date.now() + 10_000;
    while (at.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(at[0]! - start).toBeGreaterThanOrEqual(250);
  });
});

describe('database queue leases', () => {
  it('gives a crashed worker’s job to another worker once the lease expires', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const queue = `q${randomBytes(4).toString('hex')}`;
      // What a worker killed mid-job leaves behind: an active row, leased to a dead process.
      const now = Date.now();
      await db.db.insertInto('jobs').values({
        id: 'job_crashed', queue, name: 't.lease', data: '{}', status: 'active', attempts: 1, max_attempts: 5, backoff_ms: 1000,
        run_at: now - 1000, locked_by: 'dead-host:1:x', locked_until: now + 300, last_error: null,
        created_at: new Date(now).toISOString(), updated_at: new Date(now).toISOString(),
      }).execute();
      const b = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 20, leaseMs: 200 });
      let ran = 0;
      b.process('t.lease', async () => {
        ran += 1;
      });
      await new Promise((r) => setTimeout(r, 150));
      expect(ran).toBe(0); // the lease has not run out yet
      const deadline = Date.now() + 5000;
      while (ran === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(ran).toBe(1);
      await b.close();
    } finally {
      await db.cleanup();
    }
  });

  it('a live worker renews the lease of a long job: nobody else takes it', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const queue = `q${randomBytes(4).toString('hex')}`;
      const a = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 20, leaseMs: 150 });
      let release = () => undefined as void;
      let aRuns = 0;
      a.process('t.long', () => {
        aRuns += 1;
        return new Promise<void>((r) => (release = r));
      });
      await a.add('t.long', {});
      const b = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 20, leaseMs: 150 });
      let bRuns = 0;
      b.process('t.long', async () => {
        bRuns += 1;
      });
      await new Promise((r) => setTimeout(r, 700)); // several lease lengths
      expect([aRuns, bRuns]).toEqual([1, 0]);
      release();
      await a.drain('t.long');
      await a.close();
      await b.close();
    } finally {
      await db.cleanup();
    }
  });

  it('runs a job added by a process that handles it at once, and one added elsewhere by polling', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const queue = `q${randomBytes(4).toString('hex')}`;
      const worker = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 50 });
      const producer = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 50 });
      const seen: string[] = [];
      worker.process<{ v: string }>('t.local', async ({ v }) => {
        seen.push(v);
      }, { concurrency: 1 });
      await Promise.all([worker.add('t.local', { v: 'a' }), worker.add('t.local', { v: 'b' }), producer.add('t.local', { v: 'c' })]);
      await worker.drain('t.local', 5000);
      expect(seen.sort()).toEqual(['a', 'b', 'c']);
      await worker.close();
      await producer.close();
    } finally {
      await db.cleanup();
    }
  });

  it('takes queued jobs several at a time within the concurrency, runs each once and marks them all completed', async () => {
    const db = await openTestDatabase('sqlite');
    try {
      const queue = `q${randomBytes(4).toString('hex')}`;
      const producer = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 50 });
      for (let i = 0; i < 30; i++) await producer.add('t.batch', { i });
      const worker = new DatabaseQueue({ db: db.db, dialect: db.dialect, logger, queue, pollMs: 50 });
      const runs: number[] = [];
      let running = 0;
      let most = 0;
      worker.process<{ i: number }>('t.batch', async ({ i }) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        runs.push(i);
        running--;
      }, { concurrency: 3 });
      await worker.drain('t.batch', 10_000);
      expect(runs.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(most).toBeLessThanOrEqual(3);
      await worker.close();
      const counts = await producer.counts();
      expect(counts['t.batch']).toMatchObject({ completed: 30, active: 0, waiting: 0 });
      await producer.close();
    } finally {
      await db.cleanup();
    }
  });
});
