/**
 * Delivery retry delays, WeChat Pay's notify schedule: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h
 * (16 attempts over about 24 hours), each delay counted from the previous failure.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [15 * S, 15 * S, 30 * S, 3 * M, 10 * M, 20 * M, 30 * M, 30 * M, 30 * M, 60 * M, 3 * H, 3 * H, 3 * H, 6 * H, 6 * H];
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;

/** Delay before attempt `attempt + 1` after attempt `attempt` failed; undefined when we give up. */
export function nextDelayMs(attempt: number): number | undefined {
  return WEBHOOK_RETRY_DELAYS_MS[attempt - 1];
}
