import { setMaxListeners } from 'node:events';
import {
  BrokenCircuitError,
  CircuitState,
  ExponentialBackoff,
  IsolatedCircuitError,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { CarrierPermanentError, CarrierTimeoutError, CarrierTransientError, type CarrierAdapter, type CarrierVerifyRequest, type CarrierVerifyResult } from './carrier.js';

/**
 * The resilience stack of one carrier channel, all cockatiel: breaker( retry( timeout( call ))).
 * The breaker is outermost, so its error rate is the share of calls that still failed after the
 * in-channel retries: a flaky-but-working channel stays closed, a broken one opens.
 */
export interface ResilienceOptions {
  timeoutMs: number;
  /** Attempts per channel including the first. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  breaker: {
    /** Error rate (0..1) over the window above which the breaker opens: 0.005 = 0.5 %. */
    threshold: number;
    windowMs: number;
    /** Minimum volume: calls per second averaged over the window before it may open. */
    minimumRps: number;
    halfOpenAfterMs: number;
  };
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 3_000,
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
  breaker: { threshold: 0.005, windowMs: 60_000, minimumRps: 1, halfOpenAfterMs: 10_000 },
};

const isTransient = (e: Error) => e instanceof CarrierTransientError || e instanceof TaskCancelledError;
const countsAgainstChannel = (e: Error) => isTransient(e) || e instanceof CarrierPermanentError;

export interface ChannelPolicy {
  readonly name: string;
  readonly breaker: CircuitBreakerPolicy;
  /** Fraction of failed calls in the breaker's current sampling window. */
  errorRate(): number;
  call(request: CarrierVerifyRequest): Promise<CarrierVerifyResult>;
}

interface SamplingWindow {
  startedAt: number;
  failures: number;
  successes: number;
}

export function createChannelPolicy(name: string, adapter: CarrierAdapter, options: ResilienceOptions): ChannelPolicy {
  const sampler = new SamplingBreaker({
    threshold: options.breaker.threshold,
    duration: options.breaker.windowMs,
    minimumRps: options.breaker.minimumRps,
  });
  const breaker = circuitBreaker(handleWhen(countsAgainstChannel), {
    halfOpenAfter: options.breaker.halfOpenAfterMs,
    breaker: sampler,
  });
  const retryPolicy = retry(handleWhen(isTransient), {
    maxAttempts: options.maxAttempts - 1,
    // Exponential with decorrelated jitter (cockatiel's default generator).
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
  });
  const timeoutPolicy = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const policy = wrap(breaker, retryPolicy, timeoutPolicy);
  return {
    name,
    breaker,
    errorRate() {
      // Cockatiel keeps its windows on Date.now(); read only those still inside the sampling window.
      const state = sampler.state as { windows: SamplingWindow[] };
      const since = Date.now() - options.breaker.windowMs;
      let failures = 0;
      let total = 0;
      for (const w of state.windows) {
        if (w.startedAt <= since) continue;
        failures += w.failures;
        total += w.failures + w.successes;
      }
      return total === 0 ? 0 : failures / total;
    },
    async call(request) {
      try {
        // A signal of our own per call: without one cockatiel hangs every listener on one shared signal.
        const own = new AbortController();
        setMaxListeners(64, own.signal); // retries and fetch each listen on it; not a leak
        return await policy.execute(({ signal }) => adapter.verify(request, signal), own.signal);
      } catch (e) {
        if (e instanceof TaskCancelledError) throw new CarrierTimeoutError(`carrier channel ${name} timed out`, { cause: e });
        throw e;
      }
    },
  };
}

export const isBreakerRejection = (e: unknown): boolean => e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError;
export { CircuitState };
