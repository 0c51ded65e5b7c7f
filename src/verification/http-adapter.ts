import type { Clock } from '../core/clock.js';
import {
  CarrierPermanentError,
  CarrierTimeoutError,
  CarrierTransientError,
  isVerifyOutcome,
  type CarrierAdapter,
  type CarrierVerifyRequest,
  type CarrierVerifyResult,
} from './carrier.js';
import { CARRIER_SIGNATURE_HEADER, CARRIER_TIMESTAMP_HEADER, signCarrierRequest } from './carrier-signature.js';

export interface HttpCarrierAdapterOptions {
  /** Base URL of one channel, e.g. `http://127.0.0.1:8080/sim/carrier/primary`; `/verify` is appended. */
  baseUrl: string;
  secret: string;
  clock: Clock;
  fetch?: typeof fetch;
}

/**
 * A carrier gateway over HTTP. Timeouts and retries are the resilience policy's job: this adapter
 * only honours the abort signal and classifies the answer (5xx / 429 / network → transient).
 */
export class HttpCarrierAdapter implements CarrierAdapter {
  private readonly fetchFn: typeof fetch;
  constructor(private readonly options: HttpCarrierAdapterOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  async verify(request: CarrierVerifyRequest, signal?: AbortSignal): Promise<CarrierVerifyResult> {
    const body = JSON.stringify(request);
    const timestamp = Math.floor(this.options.clock.now().getTime() / 1000);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.options.baseUrl.replace(/\/$/, '')}/verify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CARRIER_TIMESTAMP_HEADER]: String(timestamp),
          [CARRIER_SIGNATURE_HEADER]: signCarrierRequest(this.options.secret, timestamp, body),
        },
        body,
        signal,
      });
    } catch (e) {
      // Never echo the request: it carries the PIN.
      if (signal?.aborted) throw new CarrierTimeoutError('carrier call aborted');
      throw new CarrierTransientError('carrier_unreachable', `carrier unreachable: ${(e as Error).name}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      throw new CarrierTransientError('carrier_http_' + res.status, `carrier answered HTTP ${res.status}`);
    }
    if (!res.ok) throw new CarrierPermanentError('carrier_rejected_request', `carrier answered HTTP ${res.status}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CarrierTransientError('carrier_bad_response', 'carrier answered with invalid JSON');
    }
    const doc = parsed as { outcome?: unknown; actualDenomination?: unknown };
    if (!isVerifyOutcome(doc.outcome)) throw new CarrierTransientError('carrier_bad_response', 'carrier answered without an outcome');
    const actual = typeof doc.actualDenomination === 'number' ? doc.actualDenomination : undefined;
    return actual === undefined ? { outcome: doc.outcome } : { outcome: doc.outcome, actualDenomination: actual };
  }
}
