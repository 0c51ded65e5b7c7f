import { createPublicKey, type KeyObject } from 'node:crypto';
import { unauthorized } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { NonceStore } from './nonce-store.js';
import { parseAuthorization, signingMessage, verifyHmac, verifyRsa } from './signature.js';

export const TIMESTAMP_WINDOW_SECONDS = 300;

export interface AuthenticatedMerchant {
  id: string;
  keyId: string;
}

export interface SignedRequest {
  method: string;
  pathAndQuery: string;
  authorization: string | undefined;
  body: Buffer;
}

/**
 * Checks a merchant request: header shape, timestamp window, key, signature (constant time), and
 * only then the nonce, so a forged request cannot burn a merchant's nonces.
 */
export class RequestAuthenticator {
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(private readonly deps: { merchants: MerchantService; nonces: NonceStore; clock: Clock }) {}

  async authenticate(req: SignedRequest): Promise<AuthenticatedMerchant> {
    const parsed = parseAuthorization(req.authorization);
    if (!parsed.ok) throw unauthorized(req.authorization ? 'malformed_authorization' : 'missing_authorization', parsed.detail);
    const h = parsed.value;
    const now = Math.floor(this.deps.clock.now().getTime() / 1000);
    if (h.timestamp < now - TIMESTAMP_WINDOW_SECONDS) throw unauthorized('timestamp_expired', `the timestamp is more than ${TIMESTAMP_WINDOW_SECONDS} s old`);
    if (h.timestamp > now + TIMESTAMP_WINDOW_SECONDS) throw unauthorized('timestamp_in_future', `the timestamp is more than ${TIMESTAMP_WINDOW_SECONDS} s ahead`);

    const key = await this.deps.merchants.findKey(h.keyId);
    const message = signingMessage(req.method, req.pathAndQuery, h.timestamp, h.nonce, req.body);
    let valid = false;
    if (key && h.scheme === 'CR-HMAC-SHA256' && key.algorithm === 'hmac-sha256' && key.secret) {
      valid = verifyHmac(key.secret, message, h.signature);
    } else if (key && h.scheme === 'CR-RSA-SHA256' && key.algorithm === 'rsa-sha256' && key.publicKeyPem) {
      valid = verifyRsa(this.publicKey(key.keyId, key.publicKeyPem), message, h.signature);
    }
    // One answer for an unknown key and a bad signature: the reply must not confirm which key ids exist.
    if (!valid) throw unauthorized('invalid_signature', 'the signature does not match the request, or the key is unknown');
    if (!(await this.deps.nonces.claim(h.keyId, h.nonce, now))) throw unauthorized('nonce_reused', 'this nonce was already used');
    return { id: key!.merchantId, keyId: key!.keyId };
  }

  private publicKey(keyId: string, pem: string): KeyObject {
    let k = this.publicKeys.get(keyId);
    if (!k) {
      k = createPublicKey(pem);
      this.publicKeys.set(keyId, k);
    }
    return k;
  }
}
