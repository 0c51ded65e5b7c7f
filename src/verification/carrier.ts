/**
 * The carrier adapter contract: one call asks a carrier channel whether a card is good. Definitive
 * answers are returned; faults the caller may retry are thrown as CarrierTransientError.
 */
export type VerifyOutcome = 'valid' | 'used' | 'invalid' | 'denomination_mismatch';

export interface CarrierVerifyRequest {
  carrier: string;
  cardNumber: string;
  cardPin: string;
  /** Declared face value in yuan. */
  denomination: number;
  /** Idempotency key of the carrier call (the order id); carriers dedupe on it. */
  requestId: string;
}

export interface CarrierVerifyResult {
  outcome: VerifyOutcome;
  /** Real face value in yuan when the carrier reports it (always for `denomination_mismatch`). */
  actualDenomination?: number;
}

export interface CarrierAdapter {
  /** `signal` aborts the call (timeouts); adapters must stop work when it fires. */
  verify(request: CarrierVerifyRequest, signal?: AbortSignal): Promise<CarrierVerifyResult>;
}

/** A fault worth retrying: 5xx, connection reset, carrier busy, or a timeout. */
export class CarrierTransientError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CarrierTransientError';
    this.code = code;
  }
}

export class CarrierTimeoutError extends CarrierTransientError {
  constructor(message = 'carrier call timed out', options?: { cause?: unknown }) {
    super('carrier_timeout', message, options);
    this.name = 'CarrierTimeoutError';
  }
}

/** The carrier refused the request itself (bad signature, malformed): retrying will not help. */
export class CarrierPermanentError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CarrierPermanentError';
    this.code = code;
  }
}

export const VERIFY_OUTCOMES: readonly VerifyOutcome[] = ['valid', 'used', 'invalid', 'denomination_mismatch'];

export function isVerifyOutcome(v: unknown): v is VerifyOutcome {
  return typeof v === 'string' && (VERIFY_OUTCOMES as readonly string[]).includes(v);
}
