import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per runtime (no global default registry, so tests can build many apps). Domains
 * register their own metrics on `registry`.
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  queueDepth: Gauge<'job' | 'state'>;
  jobsProcessed: Counter<'job' | 'outcome'>;
  /** Where the queue-depth gauge reads its numbers at scrape time. */
  setQueueSource(source: () => Promise<Record<string, Record<'waiting' | 'delayed' | 'active' | 'failed', number>>>): void;
}

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  let queueSource: Parameters<Metrics['setQueueSource']>[0] | undefined;
  if (options.defaults) collectDefaultMetrics({ register: registry, prefix: 'cardrecycle_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'cardrecycle_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'cardrecycle_queue_jobs',
      help: 'Jobs per job name and state (waiting, delayed, active, failed)',
      labelNames: ['job', 'state'],
      registers: [registry],
      async collect() {
        if (!queueSource) return;
        const counts = await queueSource().catch(() => ({}));
        this.reset();
        for (const [job, c] of Object.entries(counts)) {
          for (const state of ['waiting', 'delayed', 'active', 'failed'] as const) this.set({ job, state }, c[state]);
        }
      },
    }),
    jobsProcessed: new Counter({
      name: 'cardrecycle_jobs_processed_total',
      help: 'Jobs finished, by outcome',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    setQueueSource: (source) => {
      queueSource = source;
    },
  };
}
