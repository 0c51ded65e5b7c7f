import type { RequestHandler } from 'express';
import type { RequestAuthenticator, AuthenticatedMerchant } from '../../security/request-authenticator.js';
import type { RawBodyRequest } from './body.js';

export interface MerchantRequest {
  merchant?: AuthenticatedMerchant;
}

/** Verifies the merchant signature over method, path and query, timestamp, nonce and raw body. */
export function authenticate(authenticator: RequestAuthenticator): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    (req as MerchantRequest).merchant = await authenticator.authenticate({
      method: req.method,
      pathAndQuery: req.originalUrl,
      authorization: Array.isArray(header) ? header[0] : header,
      body: (req as RawBodyRequest).rawBody ?? Buffer.alloc(0),
    });
    next();
  };
}

export function merchantOf(req: unknown): AuthenticatedMerchant {
  const m = (req as MerchantRequest).merchant;
  if (!m) throw new Error('route mounted without authentication');
  return m;
}
