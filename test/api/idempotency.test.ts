import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { BACKENDS } from '../helpers/db.js';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

describe.each(BACKENDS)('Idempotency-Key (%s)', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend, workers: false });
  });
  afterAll(async () => app?.stop());

  const body = () => ({ merchantOrderId: `i-${randomBytes(6).toString('hex')}`, denomination: 100, ...testCard() });

  it('replays the first response for the same key and body', async () => {
    const key = randomBytes(8).toString('hex');
    const b = body();
    const first = await app.signed('POST', '/v1/orders', b, { idempotencyKey: key });
    const second = await app.signed('POST', '/v1/orders', b, { idempotencyKey: key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
  });

  it('refuses the same key with another body', async () => {
    const key = randomBytes(8).toString('hex');
    expect((await app.signed('POST', '/v1/orders', body(), { idempotencyKey: key })).status).toBe(202);
    const res = await app.signed('POST', '/v1/orders', body(), { idempotencyKey: key });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Json).code).toBe('idempotency_key_reused');
  });

  it('replays an error answer too (a 4xx is a result)', async () => {
    const key = randomBytes(8).toString('hex');
    const bad = { ...body(), denomination: 33 };
    const a = await app.signed('POST', '/v1/orders', bad, { idempotencyKey: key });
    const b = await app.signed('POST', '/v1/orders', bad, { idempotencyKey: key });
    expect([a.status, b.status]).toEqual([422, 422]);
    expect(b.headers.get('content-type')).toContain('application/problem+json');
  });

  it('executes two concurrent requests with the same key once', async () => {
    const key = randomBytes(8).toString('hex');
    const b = body();
    const results = await Promise.all(Array.from({ length: 8 }, () => app.signed('POST', '/v1/orders', b, { idempotencyKey: key })));
    const bodies = (await Promise.all(results.map((r) => r.json()))) as Json[];
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(new Set(bodies.map((x) => x.id)).size).toBe(1);
    const rows = await app.runtime.database.db.selectFrom('orders').select('id').where('merchant_order_id', '=', b.merchantOrderId).execute();
    expect(rows).toHaveLength(1);
  });

  it('requires the header on POST', async () => {
    const res = await app.signed('POST', '/v1/orders', body(), { idempotencyKey: null });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).code).toBe('idempotency_key_required');
  });

  it('keys are per merchant', async () => {
    const other = await app.runtime.merchants.create({ name: 'Other' });
    const key = randomBytes(8).toString('hex');
    expect((await app.signed('POST', '/v1/orders', body(), { idempotencyKey: key })).status).toBe(202);
    expect((await app.signed('POST', '/v1/orders', body(), { idempotencyKey: key, keyId: other.keyId, secret: other.secret })).status).toBe(202);
  });
});
