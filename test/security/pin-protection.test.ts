import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

/**
 * Submits cards through every intake path (single, batch, a rejected one), then scans the SQLite
 * files (database and WAL) and every captured log line for the plaintext PINs and card numbers.
 */
describe('PIN protection', () => {
  let app: TestApp;
  const secrets: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({ backend: 'sqlite' });
    for (let i = 0; i < 5; i++) {
      const card = testCard(['cmcc', 'cucc', 'ctcc'][i % 3] as 'cmcc');
      secrets.push(card.cardNumber, card.cardPin);
      expect((await app.signed('POST', '/v1/orders', { merchantOrderId: `p-${i}`, denomination: 100, ...card })).status).toBe(202);
    }
    const batch = Array.from({ length: 5 }, (_, i) => {
      const card = testCard('cmcc');
      secrets.push(card.cardNumber, card.cardPin);
      return { merchantOrderId: `pb-${i}`, denomination: 50, ...card };
    });
    expect((await app.signed('POST', '/v1/orders/batch', { orders: batch })).status).toBe(200);
    // A refused card (bad denomination) must not leak either, nor a duplicate submission.
    const refused = testCard('ctcc');
    secrets.push(refused.cardNumber, refused.cardPin);
    await app.signed('POST', '/v1/orders', { merchantOrderId: 'p-bad', denomination: 7, ...refused });
    await app.signed('POST', '/v1/orders', { ...batch[0], merchantOrderId: 'p-dup' });
    // A malformed body carrying a PIN.
    await app.signed('POST', '/v1/orders', `{"cardPin":"${refused.cardPin}",`);
    await app.runtime.queue.drain();
    await app.runtime.database.db.selectFrom('orders').select('id').execute();
  });
  afterAll(async () => app?.stop());

  it('keeps every PIN and card number out of the database files', () => {
    const files = readdirSync(app.dataDir).filter((f) => f.startsWith('app.db'));
    expect(files.length).toBeGreaterThan(0);
    const blob = files.map((f) => readFileSync(join(app.dataDir, f)).toString('latin1')).join('');
    expect(blob.length).toBeGreaterThan(10_000);
    for (const s of secrets) expect(blob.includes(s), `found a secret of ${s.length} digits in the database`).toBe(false);
    // The masked forms are there: the scan really read order rows.
    expect(blob).toContain(secrets[1]!.slice(-4));
  });

  it('keeps them out of the logs', () => {
    const text = app.logs.join('');
    expect(app.logs.length).toBeGreaterThanOrEqual(9);
    for (const s of secrets) expect(text.includes(s), 'found a secret in the logs').toBe(false);
  });

  it('can still decrypt a card for the carrier call', async () => {
    const row = await app.runtime.database.db.selectFrom('orders').select('id').where('merchant_order_id', '=', 'p-0').executeTakeFirstOrThrow();
    const card = await app.runtime.orders.revealCard(row.id);
    expect(card.cardNumber).toBe(secrets[0]);
    expect(card.cardPin).toBe(secrets[1]);
  });

  it('redacts PIN fields and long digit runs in log calls', () => {
    const before = app.logs.length;
    const pin = randomBytes(9).toString('hex').replace(/\D/g, '').padEnd(18, '7').slice(0, 18);
    app.runtime.logger.info({ cardPin: pin, nested: { cardNumber: pin } }, `oops ${pin}`);
    const line = app.logs.slice(before).join('');
    expect(line).toContain('[redacted]');
    expect(line).not.toContain(pin);
  });
});
