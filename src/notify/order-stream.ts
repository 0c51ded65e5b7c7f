/**
 * WebSocket push of order status changes. Clients open `GET /v1/orders/stream` (authenticated by
 * the lead's `authenticate`, e.g. the merchant signature on the upgrade request), then send
 * `{"type":"subscribe","orderIds":["ord_…"]}` or `{"type":"subscribe","all":true}`; they receive
 * `{"type":"order.status_changed","id",…,"data":{…}}` for their own merchant's orders only.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../core/logger.js';
import { publicEvent, type OrderEvent } from './order-event.js';

export interface OrderStreamDeps {
  /** The merchant id of an upgrade request, or undefined to refuse it with 401. */
  authenticate(req: IncomingMessage): Promise<string | undefined>;
  path?: string;
  heartbeatMs?: number;
  /** Per-client cap on explicitly subscribed orders. */
  maxSubscriptions?: number;
  logger?: Logger;
}

export interface OrderStream {
  publish(event: OrderEvent): number;
  /** Whether a connected client would receive this order's events (cheap; no serialisation). */
  wants(merchantId: string, orderId: string): boolean;
  clientCount(): number;
  close(): Promise<void>;
}

interface Client {
  merchantId: string;
  all: boolean;
  orderIds: Set<string>;
  alive: boolean;
}

const MAX_BUFFERED = 1 << 20;

export function attachOrderStream(server: Server, deps: OrderStreamDeps): OrderStream {
  const path = deps.path ?? '/v1/orders/stream';
  const maxSubs = deps.maxSubscriptions ?? 1000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Map<WebSocket, Client>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return; // someone else's upgrade
    deps.authenticate(req).then(
      (merchantId) => {
        if (!merchantId) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => accept(ws, merchantId));
      },
      () => socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
    );
  };
  server.on('upgrade', onUpgrade);

  function accept(ws: WebSocket, merchantId: string) {
    const client: Client = { merchantId, all: false, orderIds: new Set(), alive: true };
    clients.set(ws, client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', (raw) => {
      let msg: { type?: unknown; orderIds?: unknown; all?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        ws.send(JSON.stringify({ type: 'error', code: 'invalid_json' }));
        return;
      }
      const ids = Array.isArray(msg.orderIds) ? msg.orderIds.filter((x): x is string => typeof x === 'string' && x.length <= 64) : [];
      if (msg.type === 'subscribe') {
        if (msg.all === true) client.all = true;
        for (const id of ids) if (client.orderIds.size < maxSubs) client.orderIds.add(id);
        ws.send(JSON.stringify({ type: 'subscribed', all: client.all, orderIds: [...client.orderIds] }));
      } else if (msg.type === 'unsubscribe') {
        if (msg.all === true) client.all = false;
        for (const id of ids) client.orderIds.delete(id);
        ws.send(JSON.stringify({ type: 'unsubscribed', all: client.all, orderIds: [...client.orderIds] }));
      } else {
        ws.send(JSON.stringify({ type: 'error', code: 'unknown_message_type' }));
      }
    });
    ws.send(JSON.stringify({ type: 'ready' }));
  }

  const heartbeat = setInterval(() => {
    for (const [ws, c] of clients) {
      if (!c.alive) {
        ws.terminate();
        clients.delete(ws);
        continue;
      }
      c.alive = false;
      ws.ping();
    }
  }, deps.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    publish(event: OrderEvent): number {
      let sent = 0;
      let text: string | undefined;
      for (const [ws, c] of clients) {
        if (c.merchantId !== event.merchantId || !(c.all || c.orderIds.has(event.orderId))) continue;
        // A client that stopped reading loses messages rather than growing our memory.
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED) continue;
        text ??= JSON.stringify(publicEvent(event));
        ws.send(text);
        sent += 1;
      }
      return sent;
    },
    wants(merchantId: string, orderId: string): boolean {
      for (const c of clients.values()) if (c.merchantId === merchantId && (c.all || c.orderIds.has(orderId))) return true;
      return false;
    },
    clientCount: () => clients.size,
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const ws of clients.keys()) ws.close(1001, 'server shutting down');
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
