/**
 * Connects the orders event bus to the notifiers: the bus carries the bare transition, this adds
 * the order's public fields (through the port) and publishes to webhooks and the WebSocket stream.
 */
import type { Logger } from '../core/logger.js';
import type { OrderStatusChanged } from '../orders/order-events.js';
import type { OrderPipelinePort } from '../orders/port.js';
import type { OrderEvent } from './order-event.js';

export function orderEventListener(deps: {
  orders: Pick<OrderPipelinePort, 'get'>;
  publish(event: OrderEvent): Promise<void>;
  logger?: Logger;
}): (change: OrderStatusChanged) => void {
  return (change) => {
    void (async () => {
      const order = await deps.orders.get(change.orderId);
      if (!order) return;
      await deps.publish({
        orderId: change.orderId, merchantId: change.merchantId, merchantOrderId: order.merchantOrderId, status: change.to,
        previousStatus: change.from, reason: change.reason, quoteFen: order.quoteFen, settledFen: order.settledFen,
        notifyUrl: order.notifyUrl, at: change.at,
      });
    })().catch((e: unknown) => deps.logger?.error({ err: e, orderId: change.orderId }, 'order event publication failed'));
  };
}
