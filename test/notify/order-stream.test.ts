import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachOrderStream, type OrderStream } from '../../src/notify/order-stream.js';
import type { OrderEvent } from '../../src/notify/order-event.js';

const event = (orderId: string, merchantId = 'mch_a'): OrderEvent => ({
  orderId, merchantId, merchantOrderId: orderId, status: 'settled', previousStatus: 'settling', reason: null, quoteFen: 1, settledFen: 1, at: '2026-03-10T04:00:00.000Z',
});

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    ws.once('message', (m) => resolve(JSON.parse(String(m)) as Record<string, unknown>));
    ws.once('error', reject);
  });
}

describe('WebSocket order stream', () => {
  let server: Server;
  let stream: OrderStream;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    stream = attachOrderStream(server, { authenticate: async (req) => (req.headers['x-merchant'] as string | undefined) || undefined, heartbeatMs: 60_000 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/orders/stream`;
  });
  afterAll(async () => {
    await stream.close();
    await new Promise((r) => server.close(r));
  });

  async function connect(merchant: string): Promise<WebSocket> {
    const ws = new WebSocket(url, { headers: { 'x-merchant': merchant } });
    const ready = nextMessage(ws);
    expect(await ready).toEqual({ type: 'ready' });
    return ws;
  }

  it('pushes status changes to subscribers of that order, never to other merchants', async () => {
    const a = await connect('mch_a');
    const b = await connect('mch_b');
    const sub = nextMessage(a);
    a.send(JSON.stringify({ type: 'subscribe', orderIds: ['ord_1'] }));
    expect(await sub).toEqual({ type: 'subscribed', all: false, orderIds: ['ord_1'] });
    const subB = nextMessage(b);
    b.send(JSON.stringify({ type: 'subscribe', all: true }));
    await subB;
    const got = nextMessage(a);
    expect(stream.publish(event('ord_2'))).toBe(0); // not subscribed to ord_2; b is another merchant
    expect(stream.publish(event('ord_1'))).toBe(1);
    expect(await got).toMatchObject({ type: 'order.status_changed', data: { orderId: 'ord_1', status: 'settled' } });
    const gotB = nextMessage(b);
    expect(stream.publish(event('ord_9', 'mch_b'))).toBe(1);
    expect(await gotB).toMatchObject({ data: { orderId: 'ord_9' } });
    const err = nextMessage(a);
    a.send('not json');
    expect(await err).toEqual({ type: 'error', code: 'invalid_json' });
    a.close();
    b.close();
  });

  it('refuses unauthenticated upgrades with 401', async () => {
    const ws = new WebSocket(url);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });
});
