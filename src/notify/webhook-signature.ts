/**
 * Webhook signatures in Stripe's shape: `CR-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * t + "." + body)>`. Several v1 values may be present (secret rotation); any match passes. The
 * timestamp must be within the tolerance (300 s) to stop replays. Comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'CR-Signature';
export const DEFAULT_TOLERANCE_S = 300;

export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${computeSignature(secret, t, body)}`;
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: 'malformed_header' | 'timestamp_outside_tolerance' | 'no_matching_signature' };

/** For merchants (and our tests): verify a delivery against the raw request body. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  options: { toleranceS?: number; now?: Date } = {},
): WebhookVerification {
  if (!header) return { ok: false, reason: 'malformed_header' };
  let timestamp: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  if (timestamp === undefined || v1.length === 0) return { ok: false, reason: 'malformed_header' };
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) return { ok: false, reason: 'timestamp_outside_tolerance' };
  const expected = Buffer.from(computeSignature(secret, timestamp, body), 'hex');
  const match = v1.some((sig) => timingSafeEqual(Buffer.from(sig, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'no_matching_signature' };
}
