/**
 * One job-queue interface, two implementations: BullMQ on Redis (`REDIS_URL` set) and a durable
 * in-process queue whose jobs live in the database. Processors must be idempotent on `jobId`
 * (DESIGN convention 6): both queues deliver at least once.
 */
export interface JobOptions {
  /** Idempotency key of the job: adding a job whose id exists already is a no-op. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** Base of the exponential backoff between attempts, with full jitter (default 1000 ms). */
  backoffMs?: number;
}

export interface JobContext {
  jobId: string;
  name: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<T = unknown> = (data: T, ctx: JobContext) => Promise<void>;

/** Throw this from a handler for a failure that retrying cannot fix: the job fails at once. */
export class UnrecoverableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableJobError';
  }
}

export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  completed: number;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'database';
  add<T>(name: string, data: T, options?: JobOptions): Promise<string>;
  /** Registers the handler for `name` and starts consuming it in this process. */
  process<T>(name: string, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  counts(): Promise<Record<string, QueueCounts>>;
  /**
   * Resolves once every job of `name` (default: of every name this process handles) that falls due
   * before the timeout has finished; jobs scheduled later do not count. For tests and benchmarks.
   */
  drain(name?: string, timeoutMs?: number): Promise<void>;
  /** Stops taking new jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}
