/**
 * Notify facade: merchant webhooks and the WebSocket order stream.
 * The lead calls `notifier.publish(event)` after each order transition.
 */
import type { OrderEvent } from './order-event.js';
import type { OrderStream } from './order-stream.js';
import type { WebhookDispatcher } from './webhooks.js';

export { attachOrderStream, type OrderStream, type OrderStreamDeps } from './order-stream.js';
export { WebhookDispatcher, WEBHOOK_JOB, fetchSender, type WebhookDeps, type WebhookSender, type WebhookRequest, type DeliveryOutcome } from './webhooks.js';
export { verifyWebhookSignature, signatureHeader, computeSignature, SIGNATURE_HEADER, type WebhookVerification } from './webhook-signature.js';
export { WEBHOOK_RETRY_DELAYS_MS, WEBHOOK_MAX_ATTEMPTS } from './retry-schedule.js';
export { eventIdOf, publicEvent, type OrderEvent } from './order-event.js';
export { orderEventListener } from './bridge.js';

export interface OrderEventPublisher {
  /** Pushes to WebSocket subscribers at once and records + queues the webhook delivery. */
  publish(event: OrderEvent): Promise<void>;
  /**
   * Whether an event of this order would reach anyone: a WebSocket subscriber, the order's own
   * notifyUrl, or the merchant's webhook endpoint. False lets the bridge skip reading the order.
   */
  wanted(merchantId: string, orderId: string, notifyUrl: string | null): Promise<boolean>;
  setStream(stream: OrderStream | undefined): void;
}

export function createOrderEventPublisher(deps: { webhooks?: WebhookDispatcher; stream?: OrderStream }): OrderEventPublisher {
  let stream = deps.stream;
  return {
    async publish(event) {
      stream?.publish(event);
      await deps.webhooks?.enqueue(event);
    },
    async wanted(merchantId, orderId, notifyUrl) {
      if (stream?.wants(merchantId, orderId)) return true;
      if (!deps.webhooks) return false;
      return Boolean(notifyUrl || (await deps.webhooks.defaultUrl(merchantId)));
    },
    setStream(s) {
      stream = s;
    },
  };
}
