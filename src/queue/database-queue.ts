import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Dialect } from '../store/database.js';
import type { CoreTables, JobsTable } from '../store/tables.js';
import { numeric, precompile, type Precompiled } from '../store/precompiled.js';
import { backoffDelay } from './backoff.js';
import { UnrecoverableJobError, type JobHandler, type JobOptions, type JobQueue, type QueueCounts } from './types.js';

/** How long a finished job waits for others to be marked completed with it. */
const COMPLETE_BATCH_MS = 5;
/** At most this many jobs taken in one claim. */
const CLAIM_BATCH = 8;

export interface DatabaseQueueOptions {
  db: Kysely<CoreTables>;
  dialect: Dialect;
  logger: Logger;
  /** Separates queues sharing one database (tests). */
  queue?: string;
  pollMs?: number;
  /**
   * A job whose worker died is taken again once its lease runs out. Running jobs renew their
   * lease every third of it, so a long job keeps it and a killed worker's jobs return soon.
   */
  leaseMs?: number;
  /** How long completed jobs are kept (their ids keep `add` idempotent meanwhile). */
  retainCompletedMs?: number;
}

/**
 * The durable in-process queue: jobs are rows, so they survive a restart; a crashed worker's job
 * comes back when its lease expires. Claiming is one UPDATE … RETURNING (with SKIP LOCKED on
 * PostgreSQL), so several processes on one database never run a job twice at the same time.
 *
 * Cost per job matters (every order is several jobs): a job added by a process that handles it
 * and has a free slot is inserted already leased to that process and started at once (no claim,
 * no poll); the claim reads the (queue, status, run_at) index only; expired leases are put back
 * by a periodic sweep; an idle process polls only on its timer.
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
  // The per-job statements, built and compiled once (Kysely's builder costs more than SQLite here).
  private readonly insertJob;
  /** The claim's look-up, compiled once per set of job names (which handlers have room varies). */
  private readonly findStatements = new Map<string, Precompiled<{ id: string; name: string }>>();
  private readonly takeDue;
  /** Jobs whose handler succeeded, marked completed together (see markCompleted). */
  private completed: string[] = [];
  private completing?: Promise<void>;
  private lastSweep = 0;
  private lastReclaim = 0;
  private lastRenew = 0;
  /** Waiting jobs may exist for this process: poll again after a job finishes. */
  private backlog = true;

  constructor(private readonly opts: DatabaseQueueOptions) {
    this.queue = opts.queue ?? 'default';
    const { db } = opts;
    // Placeholders: worker id, lease end, updated at, job name, now, how many.
    this.takeDue = precompile<JobsTable>(db, 6, ([workerId, leaseEnd, updatedAt, name, now, room]) =>
      db.updateTable('jobs')
        .set({ status: 'active', locked_by: workerId!, locked_until: numeric(leaseEnd), attempts: sql`attempts + 1`, updated_at: updatedAt! })
        .where('status', '=', 'waiting')
        .where('id', 'in', db.selectFrom('jobs').select('id').where('queue', '=', this.queue).where('status', '=', 'waiting')
          .where('run_at', '<=', numeric(now)).where('name', '=', name!).orderBy('run_at').limit(numeric(room)))
        .returningAll());
    this.pollMs = opts.pollMs ?? 250;
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.retainMs = opts.retainCompletedMs ?? 24 * 3600_000;
    this.wake.setMaxListeners(0);
    const cols = ['id', 'queue', 'name', 'data', 'status', 'attempts', 'max_attempts', 'backoff_ms', 'run_at', 'locked_by', 'locked_until', 'last_error', 'created_at', 'updated_at'] as const;
    this.insertJob = precompile(opts.db, cols.length, (p) =>
      opts.db
        .insertInto('jobs')
        .values(Object.fromEntries(cols.map((c, i) => [c, p[i]])) as unknown as JobsTable)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
    );
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<string> {
    if (this.closed) throw new Error('the queue is closed');
    const id = options.jobId ?? newId('job');
    const now = Date.now();
    // Run it here and now when this process handles the name and has a free slot.
    const entry = !options.delayMs ? this.handlers.get(name) : undefined;
    const local = entry !== undefined && entry.running < entry.concurrency;
    if (local) entry.running += 1;
    const row: JobsTable = {
      id,
      queue: this.queue,
      name,
      data: JSON.stringify(data ?? null),
      status: local ? 'active' : 'waiting',
      attempts: local ? 1 : 0,
      max_attempts: options.attempts ?? 5,
      backoff_ms: options.backoffMs ?? 1000,
      run_at: now + (options.delayMs ?? 0),
      locked_by: local ? this.workerId : null,
      locked_until: local ? now + this.leaseMs : null,
      last_error: null,
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
    };
    let inserted = false;
    try {
      inserted = (await this.insertJob(row.id, row.queue, row.name, row.data, row.status, row.attempts, row.max_attempts, row.backoff_ms,
        row.run_at, row.locked_by, row.locked_until, row.last_error, row.created_at, row.updated_at)).length === 1;
    } finally {
      if (local && !inserted) entry.running -= 1;
    }
    // Closed while inserting: leave the job to its lease (another process takes it when it runs out).
    if (local && inserted && this.closed) entry.running -= 1;
    else if (local && inserted) this.start(row, entry);
    else if (inserted && !options.delayMs && this.handlers.has(name)) {
      this.backlog = true;
      setImmediate(() => void this.poll());
    }
    return id;
  }

  process<T>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.handlers.set(name, { handler: handler as JobHandler<unknown>, concurrency: options.concurrency ?? 4, running: 0 });
    if (!this.timer) {
      // Not unref'd: a process consuming jobs (`cardrecycle worker`) lives until close().
      this.timer = setInterval(() => void this.poll(), this.pollMs);
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
    await this.flushCompleted();
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
      await this.maintain();
      for (;;) {
        const names = [...this.handlers.entries()].filter(([, h]) => h.running < h.concurrency).map(([n]) => n);
        if (this.closed) return;
        // A handler at its concurrency limit may have jobs waiting: look again when a slot frees.
        const someFull = names.length < this.handlers.size;
        if (names.length === 0) {
          this.backlog = true;
          return;
        }
        const jobs = await this.claim(names);
        if (jobs.length === 0) {
          this.backlog = someFull;
          return;
        }
        this.backlog = true;
        for (const job of jobs) {
          const entry = this.handlers.get(job.name)!;
          entry.running += 1;
          this.start(job, entry);
        }
      }
    } catch (e) {
      if (!this.closed) this.opts.logger.error({ err: e }, 'job queue poll failed');
    }
  }

  private start(job: JobsTable, entry: { handler: JobHandler<unknown>; running: number }): void {
    const p = this.run(job, entry.handler).finally(() => {
      entry.running -= 1;
      this.inFlight.delete(p);
      // Only look for more when there may be more: an idle queue is found by the timer.
      if (this.backlog) setImmediate(() => void this.poll());
    });
    this.inFlight.add(p);
  }

  /**
   * Takes the oldest due job for one of `names`, with more of the same name while its handler has
   * free slots (one write for several jobs when they queue up). Only `waiting` rows, through the
   * (queue, status, run_at) index: completed jobs are never read.
   */
  private async claim(names: string[]): Promise<JobsTable[]> {
    const now = Date.now();
    const { db, dialect } = this.opts;
    if (dialect === 'postgres') {
      const ready = db.selectFrom('jobs').select('id').where('queue', '=', this.queue).where('status', '=', 'waiting')
        .where('run_at', '<=', now).where('name', 'in', names).orderBy('run_at').limit(1);
      return db.updateTable('jobs')
        .set({ status: 'active', locked_by: this.workerId, locked_until: now + this.leaseMs, attempts: sql`attempts + 1`, updated_at: new Date(now).toISOString() })
        .where('status', '=', 'waiting')
        .where('id', '=', (eb) => eb.selectFrom(ready.forUpdate().skipLocked().as('c')).select('c.id')).returningAll().execute();
    }
    // SQLite: any UPDATE takes the database's single write lock, even one that matches nothing, and
    // the other processes then wait for it. Look first (a read), write only to take jobs that are there.
    const [found] = await this.findDue(names)(now);
    if (!found) return [];
    const entry = this.handlers.get(found.name)!;
    const room = Math.max(1, Math.min(CLAIM_BATCH, entry.concurrency - entry.running));
    const rows = await this.takeDue(this.workerId, now + this.leaseMs, new Date(now).toISOString(), found.name, now, room);
    // Another worker took them between the read and the write: try again.
    return rows.length > 0 ? rows : this.claim(names);
  }

  private findDue(names: string[]): Precompiled<{ id: string; name: string }> {
    const key = names.join('\u0000');
    let find = this.findStatements.get(key);
    if (!find) {
      const { db } = this.opts;
      find = precompile(db, 1, ([now]) => db.selectFrom('jobs').select(['id', 'name']).where('queue', '=', this.queue).where('status', '=', 'waiting')
        .where('run_at', '<=', numeric(now)).where('name', 'in', names).orderBy('run_at').limit(1));
      this.findStatements.set(key, find);
    }
    return find;
  }

  private async run(job: JobsTable, handler: JobHandler<unknown>): Promise<void> {
    const { db, logger } = this.opts;
    const ctx = { jobId: job.id, name: job.name, attempt: job.attempts, maxAttempts: job.max_attempts };
    try {
      await handler(JSON.parse(job.data), ctx);
      this.markCompleted(job.id);
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
        .execute()
        // Not recorded (e.g. the database is closing): the lease runs out and the job runs again.
        .catch((err: unknown) => logger.error({ jobId: job.id, err }, 'recording a failed job failed'));
    }
  }

  /**
   * Marks a finished job completed with the others that finished within a few milliseconds, in
   * one statement: on SQLite every write is a commit under the one write lock, and each order is
   * several jobs. Until then the job is still leased to this process (the lease is renewed), so
   * nobody else runs it; if the process dies first, the job runs again when its lease runs out,
   * which every handler allows anyway (a crash just after a handler was always possible).
   */
  private markCompleted(id: string): void {
    this.completed.push(id);
    if (this.completed.length === 1) setTimeout(() => void this.flushCompleted(), COMPLETE_BATCH_MS);
  }

  private async flushCompleted(): Promise<void> {
    await this.completing;
    const ids = this.completed.splice(0, this.completed.length);
    if (ids.length === 0) return;
    this.completing = (async () => {
      for (let i = 0; i < ids.length; i += 500) {
        await this.opts.db
          .updateTable('jobs')
          .set({ status: 'completed', locked_by: null, locked_until: null, last_error: null, updated_at: new Date().toISOString() })
          .where('id', 'in', ids.slice(i, i + 500))
          .where('locked_by', '=', this.workerId)
          .execute();
      }
    })().catch((e: unknown) => {
      // Left active: their leases run out and they run again (idempotent handlers), as after a crash.
      this.opts.logger.error({ err: e, jobs: ids.length }, 'marking jobs completed failed');
    }).finally(() => {
      this.completing = undefined;
    });
    await this.completing;
  }

  /**
   * Periodic upkeep, cheap on every poll: renew this process's leases (a third of the lease),
   * put jobs whose worker died back to `waiting` (once a second), delete old completed jobs (a minute).
   */
  private async maintain(): Promise<void> {
    const now = Date.now();
    const { db } = this.opts;
    if (this.inFlight.size > 0 && now - this.lastRenew >= this.leaseMs / 3) {
      this.lastRenew = now;
      await db.updateTable('jobs').set({ locked_until: now + this.leaseMs })
        .where('queue', '=', this.queue).where('status', '=', 'active').where('locked_by', '=', this.workerId).execute();
    }
    if (now - this.lastReclaim >= Math.min(1_000, this.leaseMs / 2)) {
      this.lastReclaim = now;
      // Read first: the UPDATE (a write lock on SQLite) only when a lease has run out.
      const expired = await db.selectFrom('jobs').select('id').where('queue', '=', this.queue).where('status', '=', 'active').where('locked_until', '<', now).limit(1).executeTakeFirst();
      const back = !expired ? { numUpdatedRows: 0n } : await db.updateTable('jobs').set({ status: 'waiting', locked_by: null, locked_until: null, run_at: now, updated_at: new Date(now).toISOString() })
        .where('queue', '=', this.queue).where('status', '=', 'active').where('locked_until', '<', now).executeTakeFirst();
      if (Number(back.numUpdatedRows) > 0) this.backlog = true;
    }
    if (now - this.lastSweep >= 60_000) {
      this.lastSweep = now;
      await db.deleteFrom('jobs').where('queue', '=', this.queue).where('status', '=', 'completed')
        .where('updated_at', '<', new Date(now - this.retainMs).toISOString()).execute();
    }
  }
}
