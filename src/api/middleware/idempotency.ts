import type { RequestHandler } from 'express';
import { AppError } from '../../core/errors.js';
import type { IdempotencyStore } from '../../security/idempotency.js';
import { requestHash } from '../../security/idempotency.js';
import type { RawBodyRequest } from './body.js';
import { merchantOf } from './authenticate.js';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every POST. The response (status and body) is stored once it is sent; a
 * 5xx frees the key instead, since nothing was promised. Replays carry `Idempotent-Replayed: true`.
 */
export function idempotency(store: IdempotencyStore): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST') return next();
    const key = req.header('idempotency-key');
    if (!key) throw new AppError('idempotency_key_required', 400, 'Bad request', { detail: 'POST requests need an Idempotency-Key header' });
    if (!KEY.test(key)) throw new AppError('invalid_idempotency_key', 400, 'Bad request', { detail: 'the Idempotency-Key must be 1 to 255 printable ASCII characters' });
    const merchantId = merchantOf(req).id;
    const hash = requestHash(req.method, req.originalUrl, (req as RawBodyRequest).rawBody ?? Buffer.alloc(0));
    const start = await store.begin(merchantId, key, hash);
    if (start.kind === 'replay') {
      res
        .status(start.response.status)
        .set('Idempotent-Replayed', 'true')
        .type(start.response.status >= 400 ? 'application/problem+json' : 'application/json')
        .send(start.response.body);
      return;
    }
    const send = res.send.bind(res);
    let settled = false;
    res.send = (body?: unknown) => {
      if (!settled) {
        settled = true;
        const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? null);
        const status = res.statusCode;
        const done = status >= 500 ? store.release(merchantId, key, hash) : store.complete(merchantId, key, { status, body: text });
        // Store before answering: a client retrying right after the answer must find the response.
        done.then(
          () => send(body),
          () => send(body),
        );
        return res;
      }
      return send(body);
    };
    next();
  };
}
