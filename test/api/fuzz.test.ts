import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

/**
 * Thousands of generated bodies, queries and headers against every endpoint, signed (so they reach
 * the handlers) and unsigned: the service answers each with a 2xx or a 4xx problem, never a 5xx,
 * and stays up.
 */
describe('fuzz', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend: 'sqlite', workers: false });
  });
  afterAll(async () => app?.stop());

  const cardish = fc.oneof(
    fc.string(),
    fc.stringMatching(/^[0-9 \-]{0,30}$/),
    fc.constant(testCard().cardNumber),
    fc.integer(),
    fc.constant(null),
  );
  const orderLike = fc.record(
    {
      merchantOrderId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(undefined)),
      carrier: fc.oneof(fc.constantFrom('cmcc', 'cucc', 'ctcc', 'CMCC', ''), fc.string()),
      denomination: fc.oneof(fc.constantFrom(10, 50, 100, 500), fc.integer(), fc.double(), fc.string()),
      cardNumber: cardish,
      cardPin: cardish,
      notifyUrl: fc.oneof(fc.webUrl(), fc.string()),
      payout: fc.oneof(fc.record({ identity: fc.string(), channel: fc.string(), identityType: fc.string() }), fc.string()),
      seller: fc.anything(),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    orderLike.map((o) => JSON.stringify(o)),
    fc.array(orderLike, { maxLength: 5 }).map((orders) => JSON.stringify({ orders })),
    fc.json(),
    fc.string(),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
  );
  const endpoint = fc.constantFrom(
    ['POST', '/v1/orders'],
    ['POST', '/v1/orders/batch'],
    ['GET', '/v1/orders'],
    ['GET', '/v1/orders/ord_0000000000000000000000000'],
    ['GET', '/v1/orders/%ff%fe'],
    ['GET', '/healthz'],
    ['GET', '/readyz'],
    ['GET', '/openapi.json'],
  );
  const query = fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => (q ? `?${q}` : '')), fc.constant('?limit=abc&cursor=%00'));
  const header = fc.dictionary(
    fc.constantFrom('content-type', 'idempotency-key', 'x-request-id', 'accept', 'content-encoding', 'authorization'),
    fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  );

  it('never answers 5xx to generated requests', async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(endpoint, query, body, header, fc.boolean(), async ([method, path], q, payload, headers, sign) => {
        const url = path + q;
        let res: Response;
        if (sign && !headers.authorization) {
          res = await app.signed(method!, url, method === 'POST' ? payload : undefined, {
            headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-encoding')),
            idempotencyKey: headers['idempotency-key'] ?? randomBytes(6).toString('hex'),
            contentType: headers['content-type'] ?? 'application/json',
          });
        } else {
          res = await fetch(app.baseUrl + url, { method, headers, ...(method === 'POST' ? { body: payload } : {}) });
        }
        requests += 1;
        const text = await res.text();
        expect(res.status, `${method} ${url} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400 && !url.startsWith('/healthz')) expect(res.headers.get('content-type') ?? '').toMatch(/problem\+json|json/);
      }),
      { numRuns: 2000 },
    );
    expect(requests).toBe(2000);
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
  }, 240_000);
});
