import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import {
  CarrierSimulator,
  CircuitState,
  MemoryVerificationCache,
  VerificationService,
  createVerificationMetrics,
} from '../../src/verification/index.js';
import { silentLogger } from './fakes.js';

/**
 * Cockatiel's breaker reads Date.now(): only Date is faked, so promises and timers run normally and
 * no test sleeps through the sampling window or the half-open delay.
 */
describe('circuit breaker per channel (0.5 % over a sliding window)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('opens past 0.5 %, fails over to the backup, probes half-open and recovers', async () => {
    const registry = new Registry();
    const sim = new CarrierSimulator();
    const svc = new VerificationService({
      channels: { default: { primary: sim.channel('primary'), backup: sim.channel('backup') } },
      cache: new MemoryVerificationCache(systemClock),
      metrics: createVerificationMetrics(registry),
      logger: silentLogger,
      // One attempt per channel so each injected fault is one failure the breaker sees.
      resilience: { maxAttempts: 1, timeoutMs: 100, breaker: { threshold: 0.005, windowMs: 10_000, minimumRps: 1, halfOpenAfterMs: 5_000 } },
    });
    let n = 0;
    const verify = () => svc.verify({ carrier: 'cmcc', cardNumber: `1${String(++n).padStart(16, '0')}`, cardPin: '123456789012345678', denomination: 100, requestId: `ord_${n}` }, `fp${n}`, { bypassCache: true });

    // Healthy traffic: 300 calls, all on primary.
    for (let i = 0; i < 300; i++) expect((await verify()).source).toBe('primary');
    expect(svc.breakerState('cmcc', 'primary')).toBe(CircuitState.Closed);

    // Primary starts failing: the first failure is 1/301 = 0.33 % (stays closed, backup answers),
    // the second is 2/302 = 0.66 % > 0.5 %: the breaker opens.
    sim.setFaults('primary', { transientErrorRate: 1 });
    expect((await verify()).source).toBe('backup');
    expect(svc.breakerState('cmcc', 'primary')).toBe(CircuitState.Closed);
    expect((await verify()).source).toBe('backup');
    expect(svc.breakerState('cmcc', 'primary')).toBe(CircuitState.Open);

    const metrics = await registry.getMetricsAsJSON();
    const gauge = (name: string) => metrics.find((m) => m.name === name)?.values.find((v) => v.labels.channel === 'primary')?.value;
    expect(gauge('cardrecycle_carrier_breaker_state')).toBe(CircuitState.Open);
    expect(gauge('cardrecycle_carrier_error_rate')).toBeGreaterThan(0.005);

    // While open, primary gets no traffic at all: everything fails over.
    const primaryCalls = sim.statsFor('primary').calls;
    for (let i = 0; i < 50; i++) expect((await verify()).source).toBe('backup');
    expect(sim.statsFor('primary').calls).toBe(primaryCalls);

    // Still broken when the half-open probe runs: it fails and the breaker re-opens.
    vi.advanceTimersByTime(5_001);
    expect((await verify()).source).toBe('backup');
    expect(sim.statsFor('primary').calls).toBe(primaryCalls + 1);
    expect(svc.breakerState('cmcc', 'primary')).toBe(CircuitState.Open);

    // The channel heals; after the next half-open delay one probe succeeds and traffic returns.
    sim.setFaults('primary', { transientErrorRate: 0 });
    vi.advanceTimersByTime(5_001);
    expect((await verify()).source).toBe('primary');
    expect(svc.breakerState('cmcc', 'primary')).toBe(CircuitState.Closed);
    for (let i = 0; i < 20; i++) expect((await verify()).source).toBe('primary');
    const after = await registry.getMetricsAsJSON();
    expect(after.find((m) => m.name === 'cardrecycle_carrier_breaker_state')?.values.find((v) => v.labels.channel === 'primary')?.value).toBe(CircuitState.Closed);
    const failovers = after.find((m) => m.name === 'cardrecycle_carrier_failovers_total')?.values[0]?.value;
    expect(failovers).toBe(53);
  });

  it('does not open below the minimum volume', async () => {
    const sim = new CarrierSimulator({ channels: { primary: { transientErrorRate: 1 } } });
    const svc = new VerificationService({
      channels: { default: { primary: sim.channel('primary'), backup: sim.channel('backup') } },
      cache: new MemoryVerificationCache(systemClock),
      metrics: createVerificationMetrics(new Registry()),
      logger: silentLogger,
      resilience: { maxAttempts: 1, breaker: { threshold: 0.005, windowMs: 10_000, minimumRps: 1, halfOpenAfterMs: 5_000 } },
    });
    // 9 calls < 10 s × 1 rps: every one fails on primary, the breaker stays closed.
    for (let i = 0; i < 9; i++) {
      await svc.verify({ carrier: 'cucc', cardNumber: '123456789012345', cardPin: `123456789012345678${i}`, denomination: 50, requestId: `r${i}` }, `f${i}`);
    }
    expect(svc.breakerState('cucc', 'primary')).toBe(CircuitState.Closed);
    expect(sim.statsFor('primary').calls).toBe(9);
  });
});
