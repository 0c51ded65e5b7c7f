import { EventEmitter } from 'node:events';
import type { OrderStatus } from './statuses.js';

export interface OrderStatusChanged {
  orderId: string;
  merchantId: string;
  from: OrderStatus | null;
  to: OrderStatus;
  reason: string | null;
  at: string;
}

/** In-process publication of committed transitions; webhooks and WebSocket push subscribe here. */
export class OrderEventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish(event: OrderStatusChanged): void {
    this.emitter.emit('status', event);
  }
  subscribe(listener: (event: OrderStatusChanged) => void): () => void {
    this.emitter.on('status', listener);
    return () => this.emitter.off('status', listener);
  }
}
