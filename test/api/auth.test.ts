import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { authorizationHeader } from '../../src/security/signature.js';
import { BACKENDS } from '../helpers/db.js';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

const code = async (res: Response) => ((await res.json()) as { code: string }).code;

describe.each([
  ['sqlite', false],
  ['postgres', false],
  ['sqlite', true],
] as const)('signed requests (%s, redis nonces: %s)', (backend, redis) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend, redis, workers: false });
  });
  afterAll(async () => app?.stop());

  it('accepts a correctly signed request', async () => {
    const res = await app.signed('GET', '/v1/orders?limit=1');
    expect(res.status).toBe(200);
  });

  it('refuses a replayed nonce, even after a restart of the nonce window', async () => {
    const nonce = randomBytes(10).toString('hex');
    expect((await app.signed('GET', '/v1/orders', undefined, { nonce })).status).toBe(200);
    const again = await app.signed('GET', '/v1/orders', undefined, { nonce });
    expect(again.status).toBe(401);
    expect(await code(again)).toBe('nonce_reused');
  });

  it('refuses stale and future timestamps', async () => {
    // The clock is read again for each request, with a margin of seconds past the 300 s window: on
    // a loaded machine one request can take over a second, and a timestamp 301 s ahead then landed
    // inside the window.
    const now = () => Math.floor(Date.now() / 1000);
    const stale = await app.signed('GET', '/v1/orders', undefined, { timestamp: now() - 305 });
    expect(stale.status).toBe(401);
    expect(await code(stale)).toBe('timestamp_expired');
    const future = await app.signed('GET', '/v1/orders', undefined, { timestamp: now() + 310 });
    expect(future.status).toBe(401);
    expect(await code(future)).toBe('timestamp_in_future');
    expect((await app.signed('GET', '/v1/orders', undefined, { timestamp: now() - 290 })).status).toBe(200);
  });

  it('refuses tampered method, path, query and body', async () => {
    const body = { merchantOrderId: `t-${randomBytes(4).toString('hex')}`, denomination: 100, ...testCard() };
    const tampered = [
      await app.signed('GET', '/v1/orders', undefined, { signMethod: 'POST' }),
      await app.signed('GET', '/v1/orders?limit=2', undefined, { signPath: '/v1/orders?limit=1' }),
      await app.signed('GET', '/v1/orders?limit=2', undefined, { signPath: '/v1/orders' }),
      await app.signed('POST', '/v1/orders', body, { signBody: JSON.stringify({ ...body, denomination: 10 }) }),
    ];
    for (const res of tampered) {
      expect(res.status).toBe(401);
      expect(await code(res)).toBe('invalid_signature');
    }
  });

  it('refuses an unknown key and a wrong secret alike', async () => {
    const unknown = await app.signed('GET', '/v1/orders', undefined, { keyId: 'key_doesnotexist0000000000000' });
    const wrong = await app.signed('GET', '/v1/orders', undefined, { secret: 'not-the-secret' });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(await code(unknown)).toBe('invalid_signature');
    expect(await code(wrong)).toBe('invalid_signature');
  });

  it('refuses missing and malformed headers with problem+json', async () => {
    const missing = await fetch(`${app.baseUrl}/v1/orders`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await code(missing)).toBe('missing_authorization');
    for (const h of ['Basic Zm9vOmJhcg==', 'CR-HMAC-SHA256 keyId="x"', 'CR-HMAC-SHA256 garbage', 'CR-HMAC-SHA256 keyId="k",timestamp="abc",nonce="12345678",signature="AA=="']) {
      const res = await fetch(`${app.baseUrl}/v1/orders`, { headers: { authorization: h } });
      expect(res.status).toBe(401);
      expect(await code(res)).toBe('malformed_authorization');
    }
  });

  it('accepts CR-RSA-SHA256 with a registered public key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const created = await app.runtime.merchants.create({ name: 'RSA merchant', rsaPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const sign = (keyId: string) =>
      authorizationHeader({ scheme: 'CR-RSA-SHA256', keyId, privateKey, method: 'GET', pathAndQuery: '/v1/orders', timestamp: Math.floor(Date.now() / 1000), nonce: randomBytes(8).toString('hex') });
    const ok = await fetch(`${app.baseUrl}/v1/orders`, { headers: { authorization: sign(created.rsaKeyId!) } });
    expect(ok.status).toBe(200);
    // The RSA scheme against the HMAC key id is refused.
    const mismatch = await fetch(`${app.baseUrl}/v1/orders`, { headers: { authorization: sign(created.keyId) } });
    expect(mismatch.status).toBe(401);
  });
});
