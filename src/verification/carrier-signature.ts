import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signing of carrier-gateway requests: hex HMAC-SHA256 over `timestamp \n body`, sent as
 * `X-CR-Timestamp` and `X-CR-Signature`. Timestamps are Unix seconds, accepted within ±300 s.
 */
export const CARRIER_SIGNATURE_HEADER = 'x-cr-signature';
export const CARRIER_TIMESTAMP_HEADER = 'x-cr-timestamp';
export const CARRIER_SIGNATURE_SKEW_S = 300;

export function signCarrierRequest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${body}`).digest('hex');
}

export function verifyCarrierSignature(
  secret: string,
  timestampHeader: string | undefined,
  signature: string | undefined,
  body: string,
  nowMs: number,
): boolean {
  if (!timestampHeader || !signature || !/^\d{1,12}$/.test(timestampHeader) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const ts = Number(timestampHeader);
  if (Math.abs(nowMs / 1000 - ts) > CARRIER_SIGNATURE_SKEW_S) return false;
  const expected = Buffer.from(signCarrierRequest(secret, ts, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
