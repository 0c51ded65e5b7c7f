import { Counter, Gauge, type Registry } from 'prom-client';

/** Verification metrics, registered once on the registry the app passes in. */
export interface VerificationMetrics {
  breakerState: Gauge<'carrier' | 'channel'>;
  errorRate: Gauge<'carrier' | 'channel'>;
  calls: Counter<'carrier' | 'channel' | 'result'>;
  failovers: Counter<'carrier'>;
  cache: Counter<'result'>;
  /** Error-rate sources polled at scrape time, one per (carrier, channel). */
  addErrorRateSource(carrier: string, channel: string, read: () => number): void;
}

/** 0 closed · 1 open · 2 half-open · 3 isolated (cockatiel's CircuitState values). */
export function createVerificationMetrics(registry: Registry): VerificationMetrics {
  const sources: Array<{ carrier: string; channel: string; read: () => number }> = [];
  const breakerState = new Gauge({
    name: 'cardrecycle_carrier_breaker_state',
    help: 'Circuit breaker state per carrier channel: 0 closed, 1 open, 2 half-open, 3 isolated',
    labelNames: ['carrier', 'channel'] as const,
    registers: [registry],
  });
  const errorRate = new Gauge({
    name: 'cardrecycle_carrier_error_rate',
    help: 'Share of failed carrier calls over the breaker sampling window (fraction)',
    labelNames: ['carrier', 'channel'] as const,
    registers: [registry],
    collect() {
      for (const s of sources) this.set({ carrier: s.carrier, channel: s.channel }, s.read());
    },
  });
  const calls = new Counter({
    name: 'cardrecycle_carrier_calls_total',
    help: 'Carrier channel calls after in-channel retries, by result (ok, failed, rejected_open)',
    labelNames: ['carrier', 'channel', 'result'] as const,
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'cardrecycle_carrier_failovers_total',
    help: 'Verifications answered by a backup channel after the primary failed or was open',
    labelNames: ['carrier'] as const,
    registers: [registry],
  });
  const cache = new Counter({
    name: 'cardrecycle_verification_cache_total',
    help: 'Verification result cache lookups by result (hit, miss)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return {
    breakerState,
    errorRate,
    calls,
    failovers,
    cache,
    addErrorRateSource: (carrier, channel, read) => sources.push({ carrier, channel, read }),
  };
}
