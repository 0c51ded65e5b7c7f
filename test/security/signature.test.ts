import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { authorizationHeader, parseAuthorization, signingMessage, verifyHmac, verifyRsa } from '../../src/security/signature.js';

const nonceArb = fc.stringMatching(/^[A-Za-z0-9_\-.]{8,64}$/);
const methodArb = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE');
const pathArb = fc.webPath().map((p) => '/' + p.replace(/^\/+/, ''));

describe('request signatures', () => {
  it('round-trips: a header built for a request parses and verifies', () => {
    fc.assert(
      fc.property(methodArb, pathArb, fc.string(), nonceArb, fc.integer({ min: 1, max: 4e9 }), fc.string({ minLength: 1 }), (method, path, body, nonce, ts, secret) => {
        const header = authorizationHeader({ keyId: 'key_abc', secret, method, pathAndQuery: path, body, timestamp: ts, nonce });
        const parsed = parseAuthorization(header);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.value).toMatchObject({ scheme: 'CR-HMAC-SHA256', keyId: 'key_abc', timestamp: ts, nonce });
        expect(verifyHmac(secret, signingMessage(method, path, ts, nonce, body), parsed.value.signature)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('any change to method, path, body, timestamp or nonce breaks the signature', () => {
    fc.assert(
      fc.property(methodArb, pathArb, fc.string(), nonceArb, fc.integer({ min: 1, max: 4e9 }), fc.nat(4), (method, path, body, nonce, ts, which) => {
        const secret = 's3cret';
        const header = authorizationHeader({ keyId: 'k', secret, method, pathAndQuery: path, body, timestamp: ts, nonce });
        const sig = (parseAuthorization(header) as { ok: true; value: { signature: string } }).value.signature;
        const m = [method === 'GET' ? 'POST' : 'GET', path + 'x', body + ' ', ts + 1, nonce + 'z'];
        const args: [string, string, number, string, string] = [method, path, ts, nonce, body];
        if (which === 0) args[0] = m[0] as string;
        if (which === 1) args[1] = m[1] as string;
        if (which === 2) args[4] = m[2] as string;
        if (which === 3) args[2] = m[3] as number;
        if (which === 4) args[3] = m[4] as string;
        expect(verifyHmac(secret, signingMessage(args[0], args[1], args[2], args[3], args[4]), sig)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary header text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constant(undefined), fc.string().map((s) => `CR-HMAC-SHA256 ${s}`)), (h) => {
        const r = parseAuthorization(h);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects malformed headers with a reason', () => {
    for (const h of [
      'Bearer abc',
      'CR-HMAC-SHA256',
      'CR-HMAC-SHA256 keyId="a"',
      'CR-HMAC-SHA256 keyId="a",timestamp="x",nonce="12345678",signature="AAAA"',
      'CR-HMAC-SHA256 keyId="a",timestamp="1",nonce="short",signature="AAAA"',
      'CR-HMAC-SHA256 keyId="a",keyId="b",timestamp="1",nonce="12345678",signature="AAAA"',
      'CR-HMAC-SHA256 keyId=a,timestamp="1",nonce="12345678",signature="AAAA"',
    ]) {
      const r = parseAuthorization(h);
      expect(r.ok, h).toBe(false);
    }
  });

  it('verifies RSA-SHA256 over the same message and refuses another key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const header = authorizationHeader({ scheme: 'CR-RSA-SHA256', keyId: 'k', privateKey, method: 'POST', pathAndQuery: '/v1/orders', body: '{}', timestamp: 100, nonce: 'abcdefgh' });
    const parsed = parseAuthorization(header);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const msg = signingMessage('POST', '/v1/orders', 100, 'abcdefgh', '{}');
    expect(verifyRsa(publicKey, msg, parsed.value.signature)).toBe(true);
    expect(verifyRsa(other.publicKey, msg, parsed.value.signature)).toBe(false);
    expect(verifyRsa(publicKey, signingMessage('POST', '/v1/orders', 100, 'abcdefgh', '{ }'), parsed.value.signature)).toBe(false);
  });
});
