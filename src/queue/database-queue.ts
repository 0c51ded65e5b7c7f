import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Dialect } from '../store/database.js';
import type { CoreTables, JobsTable } from '../store/tables.js';
import { backoffDelay } from './backoff.js';
import { UnrecoverableJobError, type JobHandler, type JobOptions, type JobQueue, type QueueCounts } from './types.js';

export interface DatabaseQueueOptions {
  db: Kysely<CoreTables>;
  dialect: Dialect;
  logger: Logger;
  /** Separates queues sharing one database (tests). */
  queue?: string;
  pollMs?: number;
  /** A job whose worker died is taken again once its lease runs out. */
  leaseMs?: number;
  /** How long completed jobs are kept (their ids keep `add` idempotent meanwhile). */
  retainCompletedMs?: number;
}

/**
 * The durable in-process queue: jobs are rows, so they survive a restart; a crashed worker's job
 * comes back when its lease expires. Claiming is one UPDATE … RETURNING (with SKIP LOCKED on
 * PostgreSQL), so several processes on one database never run a job twice at the same time.
 */
export class DatabaseQueue implements JobQueue {
  readonly kind = 'database' as const;
  private readonly handlers = new Map<string, { handler: JobHandler<unknown>; concurrency: number; running: number }>();
  private readonly wake = new EventEmitter();
  private readonly workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private polling: Promise<void> | undefined;
  private readonly queue: string;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly retainMs: number;
  private lastSweep = 0;

  constructor(private readonly opts: DatabaseQueueOptions) {
    this.queue = opts.queue ?? 'default';
    this.pollMs = opts.pollMs ?? 250;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.retainMs = opts.retainCompletedMs ?? 24 * 3600_000;
    this.wake.setMaxListeners(0);
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<string> {
    if (this.closed) throw new Error('the queue is closed');
    const id = options.jobId ?? newId('job');
    const now = Date.now();
    await this.opts.db
      .insertInto('jobs')
      .values({
        id,
        queue: this.queue,
        name,
        data: JSON.stringify(data ?? null),
        status: 'waiting',
        attempts: 0,
        max_attempts: options.attempts ?? 5,
        backoff_ms: options.backoffMs ?? 1000,
        run_at: now + (options.delayMs ?? 0),
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString(),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    if (!options.delayMs) setImmediate(() => void this.poll());
    return id;
  }

  process<T>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.handlers.set(name, { handler: handler as JobHandler<unknown>, concurrency: options.concurrency ?? 4, running: 0 });
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref();
    }
    setImmediate(() => void this.poll());
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const byStatus = await this.opts.db
      .selectFrom('jobs')
      .select(['name', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('queue', '=', this.queue)
      .groupBy(['name', 'status'])
      .execute();
    // Waiting jobs whose time has not come yet are reported as delayed.
    const delayed = await this.opts.db
      .selectFrom('jobs')
      .select(['name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('queue', '=', this.queue)
      .where('status', '=', 'waiting')
      .where('run_at', '>', Date.now())
      .groupBy('name')
      .execute();
    const out: Record<string, QueueCounts> = {};
    const entry = (name: string) => (out[name] ??= { waiting: 0, delayed: 0, active: 0, failed: 0, completed: 0 });
    for (const r of byStatus) {
      const key = r.status as keyof QueueCounts;
      if (key in entry(r.name)) entry(r.name)[key] += Number(r.n);
    }
    for (const r of delayed) {
      entry(r.name).delayed += Number(r.n);
      entry(r.name).waiting -= Number(r.n);
    }
    return out;
  }

  async drain(name?: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let q = this.opts.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('queue', '=', this.queue)
        .where('status', 'in', ['waiting', 'active'])
        // Jobs due after the deadline (tomorrow's reconciliation, late webhook retries) do not hold a drain up.
        .where((eb) => eb.or([eb('status', '=', 'active'), eb('run_at', '<=', deadline)]));
      // Without a name: the jobs this process handles (others wait for another process).
      const names = name ? [name] : [...this.handlers.keys()];
      if (names.length === 0) return;
      q = q.where('name', 'in', names);
      const { n } = await q.executeTakeFirstOrThrow();
      if (Number(n) === 0) return;
      if (Date.now() > deadline) throw new Error(`queue did not drain within ${timeoutMs} ms (${n} jobs left)`);
      await this.poll();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await Promise.allSettled([...this.inFlight]);
  }

  private poll(): Promise<void> {
    if (this.closed || this.handlers.size === 0) return Promise.resolve();
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      await this.sweep();
      for (;;) {
        const names = [...this.handlers.entries()].filter(([, h]) => h.running < h.concurrency).map(([n]) => n);
        if (names.length === 0 || this.closed) return;
        const job = await this.claim(names);
        if (!job) return;
        const entry = this.handlers.get(job.name)!;
        entry.running += 1;
        const p = this.run(job, entry.handler).finally(() => {
          entry.running -= 1;
          this.inFlight.delete(p);
          setImmediate(() => void this.poll());
        });
        this.inFlight.add(p);
      }
    } catch (e) {
      if (!this.closed) this.opts.logger.error({ err: e }, 'job queue poll failed');
    }
  }

  private async claim(names: string[]): Promise<JobsTable | undefined> {
    const now = Date.now();
    const { db, dialect } = this.opts;
    const ready = db
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', this.queue)
      .where('name', 'in', names)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'waiting'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'active'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_at')
      .limit(1);
    const candidate = dialect === 'postgres' ? ready.forUpdate().skipLocked() : ready;
    const row = await db
      .updateTable('jobs')
      .set({ status: 'active', locked_by: this.workerId, locked_until: now + this.leaseMs, attempts: sql`attempts + 1`, updated_at: new Date(now).toISOString() })
      .where('id', '=', (eb) => eb.selectFrom(candidate.as('c')).select('c.id'))
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  private async run(job: JobsTable, handler: JobHandler<unknown>): Promise<void> {
    const { db, logger } = this.opts;
    const ctx = { jobId: job.id, name: job.name, attempt: job.attempts, maxAttempts: job.max_attempts };
    try {
      await handler(JSON.parse(job.data), ctx);
      await db
        .updateTable('jobs')
        .set({ status: 'completed', locked_by: null, locked_until: null, last_error: null, updated_at: new Date().toISOString() })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const permanent = e instanceof UnrecoverableJobError || job.attempts >= job.max_attempts;
      logger.warn({ jobId: job.id, job: job.name, attempt: job.attempts, permanent, err: e }, 'job failed');
      await db
        .updateTable('jobs')
        .set({
          status: permanent ? 'failed' : 'waiting',
          run_at: Date.now() + (permanent ? 0 : backoffDelay(job.attempts, job.backoff_ms)),
          locked_by: null,
          locked_until: null,
          last_error: message.slice(0, 500),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute();
    }
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.opts.db
      .deleteFrom('jobs')
      .where('queue', '=', this.queue)
      .where('status', '=', 'completed')
      .where('updated_at', '<', new Date(now - this.retainMs).toISOString())
      .execute();
  }
}
