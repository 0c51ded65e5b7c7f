import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import type { CarrierVerifyResult } from './carrier.js';

/**
 * Cache of definitive carrier answers, keyed by the card's keyed fingerprint (never the PIN), so a
 * retried or re-queued job does not ask the carrier again. Entries remember the request (order) id
 * they answered: another order of the same card is a miss, since the card may have been used since
 * (and the fingerprint does not cover the PIN).
 */
export interface CachedVerification extends CarrierVerifyResult {
  requestId: string;
}

export interface VerificationCache {
  get(key: string): Promise<CachedVerification | undefined>;
  set(key: string, value: CachedVerification, ttlMs: number): Promise<void>;
}

export function cacheKey(carrier: string, cardFingerprint: string, denomination: number): string {
  return `${carrier}:${cardFingerprint}:${denomination}`;
}

export class MemoryVerificationCache implements VerificationCache {
  private readonly entries = new Map<string, { value: CachedVerification; expiresAt: number }>();
  constructor(private readonly clock: Clock, private readonly maxEntries = 100_000) {}

  async get(key: string): Promise<CachedVerification | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  async set(key: string, value: CachedVerification, ttlMs: number): Promise<void> {
    // Map keeps insertion order: evict the oldest when full.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now().getTime() + ttlMs });
  }
}

export class RedisVerificationCache implements VerificationCache {
  constructor(private readonly redis: Redis, private readonly prefix = 'cr:vcache:') {}

  async get(key: string): Promise<CachedVerification | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw ? (JSON.parse(raw) as CachedVerification) : undefined;
  }

  async set(key: string, value: CachedVerification, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
  }
}
