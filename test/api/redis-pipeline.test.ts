import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testCard, type TestApp } from '../helpers/app.js';

type Json = Record<string, any>;

describe.each(['sqlite', 'postgres'] as const)('intake → validation job on BullMQ/Redis (%s)', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ backend, redis: true });
  });
  afterAll(async () => app?.stop());

  it('validates orders through BullMQ', async () => {
    expect(app.runtime.queue.kind).toBe('bullmq');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.signed('POST', '/v1/orders', { merchantOrderId: `r-${i}`, denomination: 100, ...testCard('cucc') });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as Json).id);
    }
    await app.runtime.queue.drain('order.validate', 20_000);
    for (const id of ids) expect((await app.runtime.orders.history(id)).map((e) => e.to_status)).toContain('validated');
    const ready = (await (await fetch(`${app.baseUrl}/readyz`)).json()) as Json;
    expect(ready.checks).toEqual({ database: 'ok', redis: 'ok' });
  });
});
