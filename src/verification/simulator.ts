import { createHash } from 'node:crypto';
import {
  CarrierTimeoutError,
  CarrierTransientError,
  type CarrierAdapter,
  type CarrierVerifyRequest,
  type CarrierVerifyResult,
} from './carrier.js';

/**
 * The dev profile's carrier simulator. Like a payment provider's test numbers it decides by the
 * PIN's last four digits (CONTRACT.md): 0000 used · 1111 invalid · 2222 face value differs ·
 * 3333 times out once then succeeds · 4444 errors transiently (twice) then succeeds · else valid.
 * On top of that each channel has configurable latency and random fault rates.
 */
export interface ChannelFaults {
  /** Share of calls that fail with a transient error (0..1). */
  transientErrorRate: number;
  /** Share of calls that hang (until aborted or `hangMs`), i.e. time out at the caller. */
  timeoutRate: number;
  latencyMs: { min: number; max: number };
}

export interface SimulatorOptions {
  channels?: Record<string, Partial<ChannelFaults>>;
  /** How long a simulated timeout hangs when the caller never aborts. */
  hangMs?: number;
  /** How many calls a `4444` card fails before it succeeds. */
  transientFailuresPer4444?: number;
  random?: () => number;
}

export interface SimulatorStats {
  calls: number;
  transientErrors: number;
  timeouts: number;
}

const DEFAULT_FAULTS: ChannelFaults = { transientErrorRate: 0, timeoutRate: 0, latencyMs: { min: 0, max: 0 } };
const STANDARD_DENOMINATIONS = [10, 20, 30, 50, 100, 200, 300, 500];

/** Deterministic "real" face value of a 2222 card: the next lower standard value (10 → 20). */
export function simulatedActualDenomination(declared: number): number {
  const lower = [...STANDARD_DENOMINATIONS].reverse().find((d) => d < declared);
  return lower ?? STANDARD_DENOMINATIONS.find((d) => d > declared) ?? declared * 2;
}

export class CarrierSimulator {
  private readonly faults = new Map<string, ChannelFaults>();
  private readonly hangMs: number;
  private readonly failuresPer4444: number;
  private readonly random: () => number;
  /** Per-card memory for the "once" / "twice" test cards, keyed by a hash (never the PIN itself). */
  private readonly seen = new Map<string, number>();
  readonly stats = new Map<string, SimulatorStats>();

  constructor(options: SimulatorOptions = {}) {
    this.hangMs = options.hangMs ?? 30_000;
    this.failuresPer4444 = options.transientFailuresPer4444 ?? 2;
    this.random = options.random ?? Math.random;
    for (const [name, f] of Object.entries(options.channels ?? {})) this.setFaults(name, f);
  }

  setFaults(channel: string, faults: Partial<ChannelFaults>): void {
    const current = this.faults.get(channel) ?? DEFAULT_FAULTS;
    this.faults.set(channel, { ...current, ...faults, latencyMs: faults.latencyMs ?? current.latencyMs });
  }

  statsFor(channel: string): SimulatorStats {
    let s = this.stats.get(channel);
    if (!s) {
      s = { calls: 0, transientErrors: 0, timeouts: 0 };
      this.stats.set(channel, s);
    }
    return s;
  }

  /** An in-process adapter for one channel of this simulator. */
  channel(name: string): CarrierAdapter {
    return { verify: (request, signal) => this.verify(name, request, signal) };
  }

  async verify(channel: string, req: CarrierVerifyRequest, signal?: AbortSignal): Promise<CarrierVerifyResult> {
    const f = this.faults.get(channel) ?? DEFAULT_FAULTS;
    const stats = this.statsFor(channel);
    stats.calls++;
    const latency = f.latencyMs.min + Math.floor(this.random() * Math.max(0, f.latencyMs.max - f.latencyMs.min + 1));
    if (latency > 0) await sleep(latency, signal);

    const last4 = req.cardPin.slice(-4);
    const key = createHash('sha256').update(`${req.carrier}|${req.cardNumber}|${req.cardPin}`).digest('hex');
    const hangs = async (): Promise<never> => {
      stats.timeouts++;
      await sleep(this.hangMs, signal);
      throw new CarrierTimeoutError('simulated carrier hang');
    };
    if (last4 === '3333') {
      const n = this.seen.get(key) ?? 0;
      this.seen.set(key, n + 1);
      if (n === 0) return hangs();
    }
    if (last4 === '4444') {
      const n = this.seen.get(key) ?? 0;
      this.seen.set(key, n + 1);
      if (n < this.failuresPer4444) {
        stats.transientErrors++;
        throw new CarrierTransientError('carrier_busy', 'simulated transient carrier error');
      }
    }
    const roll = this.random();
    if (roll < f.timeoutRate) return hangs();
    if (roll < f.timeoutRate + f.transientErrorRate) {
      stats.transientErrors++;
      throw new CarrierTransientError('carrier_busy', 'simulated transient carrier error');
    }
    switch (last4) {
      case '0000':
        return { outcome: 'used' };
      case '1111':
        return { outcome: 'invalid' };
      case '2222':
        return { outcome: 'denomination_mismatch', actualDenomination: simulatedActualDenomination(req.denomination) };
      default:
        return { outcome: 'valid', actualDenomination: req.denomination };
    }
  }
}

/** Resolves after `ms`, or rejects with a timeout error as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CarrierTimeoutError('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CarrierTimeoutError('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
