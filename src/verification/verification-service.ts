import type { Logger } from '../core/logger.js';
import { CarrierTransientError, type CarrierAdapter, type CarrierVerifyRequest, type CarrierVerifyResult } from './carrier.js';
import { CircuitState, DEFAULT_RESILIENCE, createChannelPolicy, isBreakerRejection, type ChannelPolicy, type ResilienceOptions } from './channel-policy.js';
import type { VerificationMetrics } from './metrics.js';
import { cacheKey, type VerificationCache } from './result-cache.js';

/** Adapters of one carrier: traffic goes to `primary` and fails over to `backup`. */
export interface CarrierChannels {
  primary: CarrierAdapter;
  backup?: CarrierAdapter;
}

export interface VerificationServiceDeps {
  /** Per carrier code; `default` serves carriers not listed. */
  channels: Record<string, CarrierChannels>;
  cache: VerificationCache;
  metrics: VerificationMetrics;
  logger: Logger;
  resilience?: Partial<Omit<ResilienceOptions, 'breaker'>> & { breaker?: Partial<ResilienceOptions['breaker']> };
  cacheTtlMs?: number;
}

export interface VerificationAnswer extends CarrierVerifyResult {
  /** Which channel answered, or `cache`. */
  source: string;
}

/** Every channel failed or was open: transient, the caller applies the merchant's timeout policy. */
export class CarrierUnavailableError extends CarrierTransientError {
  constructor(readonly lastCode: string) {
    super('carrier_unavailable', `no carrier channel answered (last: ${lastCode})`);
    this.name = 'CarrierUnavailableError';
  }
}

export class VerificationService {
  private readonly policies = new Map<string, ChannelPolicy[]>();
  private readonly options: ResilienceOptions;
  private readonly cacheTtlMs: number;

  constructor(private readonly deps: VerificationServiceDeps) {
    this.options = {
      ...DEFAULT_RESILIENCE,
      ...deps.resilience,
      breaker: { ...DEFAULT_RESILIENCE.breaker, ...deps.resilience?.breaker },
    };
    this.cacheTtlMs = deps.cacheTtlMs ?? 10 * 60_000;
  }

  /** The channel policies of a carrier (created on first use so breakers are shared). */
  channelsOf(carrier: string): ChannelPolicy[] {
    let list = this.policies.get(carrier);
    if (list) return list;
    const cfg = this.deps.channels[carrier] ?? this.deps.channels.default;
    if (!cfg) throw new CarrierTransientError('carrier_not_configured', `no channels configured for carrier ${carrier}`);
    list = [createChannelPolicy('primary', cfg.primary, this.options)];
    if (cfg.backup) list.push(createChannelPolicy('backup', cfg.backup, this.options));
    for (const p of list) {
      const labels = { carrier, channel: p.name };
      this.deps.metrics.breakerState.set(labels, CircuitState.Closed);
      p.breaker.onStateChange((s) => {
        this.deps.metrics.breakerState.set(labels, s);
        this.deps.logger.warn({ carrier, channel: p.name, state: CircuitState[s] }, 'carrier breaker state changed');
      });
      this.deps.metrics.addErrorRateSource(carrier, p.name, () => p.errorRate());
    }
    this.policies.set(carrier, list);
    return list;
  }

  breakerState(carrier: string, channel: string): CircuitState | undefined {
    return this.channelsOf(carrier).find((p) => p.name === channel)?.breaker.state;
  }

  /**
   * Asks the carrier (cache first, then primary, then backup). Throws CarrierUnavailableError when
   * no channel answered; definitive answers (including used / invalid) are returned.
   */
  async verify(request: CarrierVerifyRequest, cardFingerprint: string, options: { bypassCache?: boolean } = {}): Promise<VerificationAnswer> {
    const key = cacheKey(request.carrier, cardFingerprint, request.denomination);
    if (!options.bypassCache) {
      const cached = await this.deps.cache.get(key);
      const hit = cached && cached.requestId === request.requestId;
      this.deps.metrics.cache.inc({ result: hit ? 'hit' : 'miss' });
      if (hit) return { outcome: cached.outcome, ...(cached.actualDenomination === undefined ? {} : { actualDenomination: cached.actualDenomination }), source: 'cache' };
    }
    let lastCode = 'no_channel';
    const channels = this.channelsOf(request.carrier);
    for (const [i, channel] of channels.entries()) {
      const labels = { carrier: request.carrier, channel: channel.name };
      try {
        const result = await channel.call(request);
        this.deps.metrics.calls.inc({ ...labels, result: 'ok' });
        if (i > 0) this.deps.metrics.failovers.inc({ carrier: request.carrier });
        await this.deps.cache.set(key, { ...result, requestId: request.requestId }, this.cacheTtlMs);
        return { ...result, source: channel.name };
      } catch (e) {
        if (isBreakerRejection(e)) {
          this.deps.metrics.calls.inc({ ...labels, result: 'rejected_open' });
          lastCode = 'breaker_open';
        } else {
          this.deps.metrics.calls.inc({ ...labels, result: 'failed' });
          lastCode = (e as { code?: string }).code ?? 'carrier_error';
        }
        this.deps.logger.debug({ carrier: request.carrier, channel: channel.name, code: lastCode, requestId: request.requestId }, 'carrier channel failed');
      }
    }
    throw new CarrierUnavailableError(lastCode);
  }
}
