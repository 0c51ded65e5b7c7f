import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { BACKENDS } from '../helpers/db.js';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;
const ref = () => `m-${randomBytes(6).toString('hex')}`;

describe.each(BACKENDS)('orders API (%s)', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend });
  });
  afterAll(async () => app?.stop());

  it('accepts a card, masks it, and validates it in a job', async () => {
    const card = testCard('cucc');
    const res = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 50, cardNumber: card.cardNumber.replace(/(\d{4})/g, '$1 '), cardPin: card.cardPin });
    expect(res.status).toBe(202);
    const order = (await res.json()) as Json;
    expect(order.id).toMatch(/^ord_/);
    expect(order.carrier).toBe('cucc');
    expect(order.status).toBe('received');
    expect(order.pinMasked).toBe('*'.repeat(15) + card.cardPin.slice(-4));
    expect(JSON.stringify(order)).not.toContain(card.cardPin);
    expect(JSON.stringify(order)).not.toContain(card.cardNumber);
    await app.runtime.queue.drain('order.validate');
    const got = (await (await app.signed('GET', `/v1/orders/${order.id}`)).json()) as Json;
    // Verification may already have moved it on; the first two steps are intake and validation.
    expect(got.history.map((h: Json) => h.to).slice(0, 2)).toEqual(['received', 'validated']);
  });

  it('answers a read with the headers of res.json, and HEAD with the length but no body', async () => {
    const created = (await (await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 100, ...testCard() })).json()) as Json;
    const res = await app.signed('GET', `/v1/orders/${created.id}`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).id).toBe(created.id);
    const head = await app.signed('HEAD', `/v1/orders/${created.id}`);
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
  });

  it('rejects a card already submitted, by its blind index', async () => {
    const card = testCard('ctcc');
    const first = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 100, ...card });
    expect(first.status).toBe(202);
    // Same card typed differently (full-width digits, dashes) under another merchant order id.
    const fullWidth = card.cardNumber.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const again = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 100, carrier: 'ctcc', cardNumber: fullWidth, cardPin: card.cardPin });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).code).toBe('card_already_submitted');
  });

  it('takes a card again once its earlier order was rejected, and only then', async () => {
    const card = testCard('cucc');
    const first = (await (await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 50, ...card })).json()) as Json;
    await app.runtime.orders.transition(first.id, 'rejected', { reason: 'card_invalid', actor: 'test' });
    const second = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 50, ...card });
    expect(second.status).toBe(202);
    const third = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 50, ...card });
    expect(((await third.json()) as Json).code).toBe('card_already_submitted');
  });

  it('refuses a reused merchantOrderId and bad card formats with stable codes', async () => {
    const id = ref();
    expect((await app.signed('POST', '/v1/orders', { merchantOrderId: id, denomination: 100, ...testCard() })).status).toBe(202);
    const dup = await app.signed('POST', '/v1/orders', { merchantOrderId: id, denomination: 100, ...testCard() });
    expect(((await dup.json()) as Json).code).toBe('duplicate_merchant_order_id');
    const badLen = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 100, carrier: 'cmcc', cardNumber: '123', cardPin: '1'.repeat(18) });
    expect(badLen.status).toBe(422);
    expect(((await badLen.json()) as Json).code).toBe('invalid_card_number');
    const badDenom = await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 25, ...testCard() });
    expect(((await badDenom.json()) as Json).code).toBe('invalid_denomination');
  });

  it('takes a batch of 1000 where bad cards do not sink the good ones', async () => {
    const orders: unknown[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 7) orders.push({ merchantOrderId: ref(), denomination: 100, cardNumber: 'x', cardPin: '1' });
      else if (i % 100 === 8) orders.push({ merchantOrderId: ref(), denomination: 'ten', ...testCard() });
      else orders.push({ merchantOrderId: ref(), denomination: 100, ...testCard() });
    }
    const res = await app.signed('POST', '/v1/orders/batch', { orders });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.results).toHaveLength(1000);
    expect(body.accepted).toBe(980);
    expect(body.rejected).toBe(20);
    expect(body.results[7]).toMatchObject({ index: 7, status: 422, error: { code: 'invalid_card_number' } });
    expect(body.results[8]).toMatchObject({ index: 8, status: 400, error: { code: 'validation_failed' } });
    expect(body.results[9].order.status).toBe('received');
  }, 120_000);

  it('refuses a batch over 1000 as a whole', async () => {
    const res = await app.signed('POST', '/v1/orders/batch', { orders: Array.from({ length: 1001 }, () => ({})) });
    expect(res.status).toBe(400);
  });

  it('pages through orders with a cursor, newest first, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.signed('GET', `/v1/orders?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Json;
      seen.push(...page.data.map((o: Json) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(980);
    expect([...seen].sort().reverse()).toEqual(seen);
    const bad = await app.signed('GET', '/v1/orders?cursor=abc');
    expect(((await bad.json()) as Json).code).toBe('invalid_cursor');
  });

  it('hides other merchants orders and unknown ids', async () => {
    const other = await app.runtime.merchants.create({ name: 'Other' });
    const created = (await (await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 100, ...testCard() })).json()) as Json;
    const res = await app.signed('GET', `/v1/orders/${created.id}`, undefined, { keyId: other.keyId, secret: other.secret });
    expect(res.status).toBe(404);
    expect(((await app.signed('GET', '/v1/orders/ord_nope')).status)).toBe(400);
  });

  it('refuses an invalid transition through the transitions table', async () => {
    const created = (await (await app.signed('POST', '/v1/orders', { merchantOrderId: ref(), denomination: 100, ...testCard() })).json()) as Json;
    await expect(app.runtime.orders.transition(created.id, 'settled')).rejects.toMatchObject({ code: 'invalid_transition', status: 409 });
    const after = await app.runtime.orders.get(created.id);
    // No payout account was given, so nothing can have settled it legitimately either.
    expect(after?.status).not.toBe('settled');
    const steps = (await app.runtime.orders.history(created.id)).map((e) => e.to_status);
    expect(steps).not.toContain('settled');
  });
});
