import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

describe('API hygiene: every bad input gets problem+json with a stable code', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend: 'sqlite', workers: false });
  });
  afterAll(async () => app?.stop());

  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ status, code, type: `urn:cardrecycle:problem:${code}` });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    return body;
  };

  it('malformed JSON', async () => {
    await expectProblem(await app.signed('POST', '/v1/orders', '{"merchantOrderId": '), 400, 'malformed_json');
    await expectProblem(await app.signed('POST', '/v1/orders', ''), 400, 'malformed_json');
    await expectProblem(await app.signed('POST', '/v1/orders', '[1,2]'), 400, 'validation_failed');
  });

  it('wrong content type', async () => {
    await expectProblem(await app.signed('POST', '/v1/orders', 'a=b', { contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    await expectProblem(await app.signed('POST', '/v1/orders', '{}', { contentType: null }), 415, 'unsupported_media_type');
    await expectProblem(await app.signed('POST', '/v1/orders', '{}', { contentType: 'application/json; charset=latin1' }), 415, 'unsupported_encoding');
  });

  it('oversized body', async () => {
    const big = JSON.stringify({ merchantOrderId: 'x', pad: 'x'.repeat(3 * 1024 * 1024) });
    await expectProblem(await app.signed('POST', '/v1/orders', big), 413, 'payload_too_large');
    const huge = Buffer.alloc(11 * 1024 * 1024, 0x20);
    await expectProblem(await app.signed('POST', '/v1/orders', huge), 413, 'payload_too_large');
  });

  it('unknown and mistyped fields', async () => {
    const base = { merchantOrderId: `h-${randomBytes(4).toString('hex')}`, denomination: 100, ...testCard() };
    const unknown = await expectProblem(await app.signed('POST', '/v1/orders', { ...base, discount: 5 }), 400, 'unknown_field');
    expect(unknown.detail).toContain('discount');
    const mistyped = await expectProblem(await app.signed('POST', '/v1/orders', { ...base, denomination: '100' }), 400, 'validation_failed');
    expect(mistyped.errors[0].path).toBe('body.denomination');
    await expectProblem(await app.signed('POST', '/v1/orders', { ...base, carrier: 'att' }), 400, 'validation_failed');
    await expectProblem(await app.signed('GET', '/v1/orders?limit=0'), 400, 'validation_failed');
    await expectProblem(await app.signed('GET', '/v1/orders?limit=10&color=red'), 400, 'unknown_field');
  });

  it('never echoes a PIN in a validation error', async () => {
    const card = testCard();
    const res = await app.signed('POST', '/v1/orders', { ...card, merchantOrderId: 'p', denomination: 100, carrier: 'cucc', cardPin: card.cardPin + 'x' });
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain(card.cardPin);
    expect(text).not.toContain(card.cardNumber);
  });

  it('unknown routes and ids', async () => {
    await expectProblem(await fetch(`${app.baseUrl}/nope`), 404, 'not_found');
    await expectProblem(await app.signed('GET', '/v1/nothing-here'), 404, 'not_found');
    await expectProblem(await app.signed('GET', `/v1/orders/ord_${'0'.repeat(25)}`), 404, 'order_not_found');
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect(await (await fetch(`${app.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${app.baseUrl}/readyz`)).json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain('cardrecycle_http_request_duration_seconds_bucket');
    expect(metrics).toContain('route="/v1/orders"');
    const doc = (await (await fetch(`${app.baseUrl}/openapi.json`)).json()) as Json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/batch', '/v1/orders/{id}']));
    const docs = await fetch(`${app.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});
