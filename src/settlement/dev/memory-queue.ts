/**
 * A small in-memory JobQueue for tests and the benchmark (the lead's durable queues implement the
 * same interface). At-least-once like the real ones: handlers may be re-run; jobId de-duplicates adds.
 */
import { UnrecoverableJobError, type JobHandler, type JobOptions, type JobQueue, type QueueCounts } from '../../queue/types.js';

interface Pending {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  maxAttempts: number;
  backoffMs: number;
  timer?: NodeJS.Timeout;
  runAt: number;
}

export class MemoryQueue implements JobQueue {
  readonly kind = 'database' as const;
  private readonly handlers = new Map<string, { fn: JobHandler; concurrency: number; active: number }>();
  private readonly seen = new Set<string>();
  private readonly ready: Pending[] = [];
  private readonly delayed = new Set<Pending>();
  private readonly stats = new Map<string, QueueCounts>();
  private idle: (() => void)[] = [];
  private closed = false;
  private seq = 0;
  /** Failures of jobs that used up their attempts, for assertions. */
  readonly failures: { name: string; id: string; error: string }[] = [];

  private count(name: string): QueueCounts {
    let c = this.stats.get(name);
    if (!c) this.stats.set(name, (c = { waiting: 0, delayed: 0, active: 0, failed: 0, completed: 0 }));
    return c;
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<string> {
    const id = options.jobId ?? `job-${++this.seq}`;
    if (this.seen.has(id)) return id;
    this.seen.add(id);
    const job: Pending = { id, name, data, attempt: 1, maxAttempts: options.attempts ?? 5, backoffMs: options.backoffMs ?? 1000, runAt: Date.now() };
    this.schedule(job, options.delayMs ?? 0);
    return id;
  }

  private schedule(job: Pending, delayMs: number): void {
    if (delayMs > 0) {
      this.count(job.name).delayed += 1;
      job.runAt = Date.now() + delayMs;
      this.delayed.add(job);
      job.timer = setTimeout(() => this.promote(job), delayMs);
    } else {
      this.count(job.name).waiting += 1;
      this.ready.push(job);
      queueMicrotask(() => this.pump());
    }
  }

  private promote(job: Pending): void {
    if (!this.delayed.delete(job)) return;
    clearTimeout(job.timer);
    this.count(job.name).delayed -= 1;
    this.schedule(job, 0);
  }

  /** Runs every delayed job now, as if its time had come (tests of long schedules). */
  promoteAll(filter?: (name: string) => boolean): number {
    const jobs = [...this.delayed].filter((j) => !filter || filter(j.name));
    for (const j of jobs) this.promote(j);
    return jobs.length;
  }

  delayedJobs(): { id: string; name: string; runAt: number }[] {
    return [...this.delayed].map((j) => ({ id: j.id, name: j.name, runAt: j.runAt }));
  }

  process<T>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.handlers.set(name, { fn: handler as JobHandler, concurrency: options.concurrency ?? 4, active: 0 });
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    for (let i = 0; i < this.ready.length; ) {
      const job = this.ready[i]!;
      const h = this.handlers.get(job.name);
      if (!h || h.active >= h.concurrency) {
        i += 1;
        continue;
      }
      this.ready.splice(i, 1);
      h.active += 1;
      const c = this.count(job.name);
      c.waiting -= 1;
      c.active += 1;
      void this.run(job, h).finally(() => {
        h.active -= 1;
        c.active -= 1;
        this.pump();
        this.checkIdle();
      });
    }
  }

  private async run(job: Pending, h: { fn: JobHandler }): Promise<void> {
    try {
      await h.fn(job.data, { jobId: job.id, name: job.name, attempt: job.attempt, maxAttempts: job.maxAttempts });
      this.count(job.name).completed += 1;
    } catch (e) {
      const permanent = e instanceof UnrecoverableJobError;
      if (!permanent && job.attempt < job.maxAttempts) {
        const base = job.backoffMs * 2 ** (job.attempt - 1);
        job.attempt += 1;
        this.schedule(job, Math.round(base / 2 + Math.random() * (base / 2)));
        return;
      }
      this.count(job.name).failed += 1;
      this.failures.push({ name: job.name, id: job.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private busy(name?: string, includeDelayed = true): boolean {
    const match = (j: Pending) => !name || j.name === name;
    if (this.ready.some(match) || (includeDelayed && [...this.delayed].some(match))) return true;
    for (const [n, c] of this.stats) if ((!name || n === name) && c.active > 0) return true;
    return false;
  }

  private checkIdle(): void {
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }

  async counts(): Promise<Record<string, QueueCounts>> {
    return Object.fromEntries([...this.stats].map(([k, v]) => [k, { ...v }]));
  }

  async drain(name?: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy(name)) {
      if (Date.now() > deadline) throw new Error(`queue did not drain within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.idle.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Like drain, but delayed jobs do not count: resolves when nothing is ready or running. */
  async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy(undefined, false)) {
      if (Date.now() > deadline) throw new Error(`queue did not settle within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.idle.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.delayed) clearTimeout(j.timer);
    this.delayed.clear();
    while ([...this.stats.values()].some((c) => c.active > 0)) await new Promise((r) => setTimeout(r, 10));
  }
}
