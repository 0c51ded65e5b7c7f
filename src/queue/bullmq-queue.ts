import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '../core/logger.js';
import { UnrecoverableJobError, type JobHandler, type JobOptions, type JobQueue, type QueueCounts } from './types.js';

export interface BullQueueOptions {
  redisUrl: string;
  logger: Logger;
  /** Key prefix in Redis: tests use a unique one each. */
  prefix?: string;
}

function connectionFromUrl(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname && u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * BullMQ on Redis: one BullMQ queue per job name, so a process only takes the jobs it has a
 * handler for. Job ids are BullMQ job ids, which makes `add` idempotent while a job is retained.
 */
export class BullQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly handled = new Set<string>();
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;

  constructor(private readonly opts: BullQueueOptions) {
    this.connection = connectionFromUrl(opts.redisUrl);
    this.prefix = opts.prefix ?? 'cardrecycle';
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<string> {
    // BullMQ forbids ':' in custom job ids; our keys use it as a separator.
    const jobId = options.jobId?.replaceAll(':', '.');
    const job = await this.queue(name).add(name, data, {
      ...(jobId ? { jobId } : {}),
      delay: options.delayMs ?? 0,
      attempts: options.attempts ?? 5,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000, jitter: 0.5 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return job.id ?? jobId ?? '';
  }

  process<T>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    const worker = new Worker(
      name,
      async (job) => {
        try {
          await handler(job.data as T, { jobId: String(job.id), name, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
        } catch (e) {
          if (e instanceof UnrecoverableJobError) throw new UnrecoverableError(e.message);
          throw e;
        }
      },
      { connection: this.connection, prefix: this.prefix, concurrency: options.concurrency ?? 4 },
    );
    worker.on('failed', (job, err) => this.opts.logger.warn({ jobId: job?.id, job: name, err }, 'job failed'));
    worker.on('error', (err) => this.opts.logger.error({ err, job: name }, 'worker error'));
    this.workers.push(worker);
    this.handled.add(name);
    this.queue(name);
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    const out: Record<string, QueueCounts> = {};
    for (const [name, q] of this.queues) {
      const c = await q.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed', 'prioritized', 'waiting-children');
      out[name] = { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), delayed: c.delayed ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
    }
    return out;
  }

  async drain(name?: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    for (;;) {
      const counts = await this.counts();
      const names = Object.keys(counts).filter((n) => (name ? n === name : this.handled.has(n)));
      let pending = names.reduce((s, n) => s + counts[n]!.waiting + counts[n]!.active, 0);
      // Delayed jobs count when they fall due before the deadline (retries), not when scheduled for later.
      for (const n of names) {
        if (counts[n]!.delayed === 0) continue;
        const delayed = await this.queue(n).getDelayed(0, 1000);
        pending += delayed.filter((j) => j.timestamp + (j.opts.delay ?? 0) <= deadline).length;
      }
      // Jobs move between BullMQ's lists between our reads: only two empty readings in a row count.
      if (pending === 0 && (quiet += 1) >= 2) return;
      if (pending > 0) quiet = 0;
      if (Date.now() > deadline) throw new Error(`queue did not drain within ${timeoutMs} ms (${pending} jobs left)`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** Tests only: removes every key under this queue's prefix. */
  async obliterate(): Promise<void> {
    for (const q of this.queues.values()) await q.obliterate({ force: true });
  }
}
