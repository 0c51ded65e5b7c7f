/**
 * Connects the orders event bus to the notifiers: the bus carries the bare transition, this adds
 * the order's public fields (through the port) and publishes to webhooks and the WebSocket stream.
 * An order is read only when its event reaches someone (a subscriber, its notifyUrl or the
 * merchant's webhook endpoint); its notifyUrl, which never changes, is remembered for a while.
 */
import type { Logger } from '../core/logger.js';
import type { OrderStatusChanged } from '../orders/order-events.js';
import type { OrderPipelinePort } from '../orders/port.js';
import type { OrderEvent } from './order-event.js';

export function orderEventListener(deps: {
  orders: Pick<OrderPipelinePort, 'get'>;
  publish(event: OrderEvent): Promise<void>;
  /** Whether anyone would receive the event (see OrderEventPublisher.wanted); absent: always. */
  wanted?(merchantId: string, orderId: string, notifyUrl: string | null): Promise<boolean>;
  logger?: Logger;
}): (change: OrderStatusChanged) => void {
  const notifyUrls = new Map<string, string | null>();
  return (change) => {
    void (async () => {
      const known = notifyUrls.get(change.orderId);
      if (deps.wanted && known !== undefined && !(await deps.wanted(change.merchantId, change.orderId, known))) return;
      const order = await deps.orders.get(change.orderId);
      if (!order) return;
      if (notifyUrls.size >= 10_000) notifyUrls.clear();
      notifyUrls.set(change.orderId, order.notifyUrl);
      if (deps.wanted && known === undefined && !(await deps.wanted(change.merchantId, change.orderId, order.notifyUrl))) return;
      await deps.publish({
        orderId: change.orderId, merchantId: change.merchantId, merchantOrderId: order.merchantOrderId, status: change.to,
        previousStatus: change.from, reason: change.reason, quoteFen: order.quoteFen, settledFen: order.settledFen,
        notifyUrl: order.notifyUrl, at: change.at,
      });
    })().catch((e: unknown) => deps.logger?.error({ err: e, orderId: change.orderId }, 'order event publication failed'));
  };
}
