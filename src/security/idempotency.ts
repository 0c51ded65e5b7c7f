import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { conflict } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import { isUniqueViolation } from '../store/errors.js';
import type { CoreTables } from '../store/tables.js';
import { numeric, precompile } from '../store/precompiled.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface StoredResponse {
  status: number;
  body: string;
}

export type IdempotencyStart = { kind: 'execute' } | { kind: 'replay'; response: StoredResponse };

export function requestHash(method: string, path: string, body: Buffer): string {
  return createHash('sha256').update(method).update('\n').update(path).update('\n').update(body).digest('hex');
}

/**
 * Stripe semantics: the first request with a key runs; the same key with the same request gets the
 * first response again; the same key with another request is refused. The key row is inserted
 * before the work starts, so two concurrent requests cannot both run: the second one waits for the
 * first to finish and replays its response.
 */
export class IdempotencyStore {
  // Every POST takes a key and stores its answer: compiled once.
  private readonly insertKey;
  private readonly saveAnswer;

  constructor(private readonly deps: { db: Kysely<CoreTables>; clock: Clock; waitMs?: number }) {
    const { db } = deps;
    this.insertKey = precompile(db, 5, ([merchantId, key, hash, createdAt, expiresAt]) =>
      db.insertInto('idempotency_keys').values({ merchant_id: merchantId!, idem_key: key!, request_hash: hash!, state: 'running', status_code: null, response_body: null, created_at: createdAt!, expires_at: expiresAt! }));
    this.saveAnswer = precompile(db, 4, ([status, body, merchantId, key]) =>
      db.updateTable('idempotency_keys').set({ state: 'done', status_code: numeric(status), response_body: body! })
        .where('merchant_id', '=', merchantId!).where('idem_key', '=', key!));
  }

  async begin(merchantId: string, key: string, hash: string): Promise<IdempotencyStart> {
    const now = this.deps.clock.now();
    const deadline = Date.now() + (this.deps.waitMs ?? 10_000);
    for (;;) {
      try {
        await this.insertKey(merchantId, key, hash, now.toISOString(), new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString());
        return { kind: 'execute' };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
      const row = await this.deps.db.selectFrom('idempotency_keys').selectAll().where('merchant_id', '=', merchantId).where('idem_key', '=', key).executeTakeFirst();
      if (!row) continue; // removed meanwhile (expired or released): try to take it
      if (row.expires_at <= now.toISOString()) {
        await this.release(merchantId, key, row.request_hash);
        continue;
      }
      if (row.request_hash !== hash) {
        throw conflict('idempotency_key_reused', 'this Idempotency-Key was used with a different request');
      }
      if (row.state === 'done' && row.status_code !== null && row.response_body !== null) {
        return { kind: 'replay', response: { status: row.status_code, body: row.response_body } };
      }
      if (Date.now() > deadline) throw conflict('idempotency_request_in_progress', 'a request with this Idempotency-Key is still being processed; retry later');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async complete(merchantId: string, key: string, response: StoredResponse): Promise<void> {
    await this.saveAnswer(response.status, response.body, merchantId, key);
  }

  /** After a server error nothing was promised: the key is freed so the client can retry. */
  async release(merchantId: string, key: string, hash?: string): Promise<void> {
    let q = this.deps.db.deleteFrom('idempotency_keys').where('merchant_id', '=', merchantId).where('idem_key', '=', key);
    if (hash) q = q.where('request_hash', '=', hash);
    await q.execute();
  }

  async sweep(): Promise<number> {
    const res = await this.deps.db.deleteFrom('idempotency_keys').where('expires_at', '<', this.deps.clock.now().toISOString()).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
