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
  setStream(stream: OrderStream | undefined): void;
}

export function createOrderEventPublisher(deps: { webhooks?: WebhookDispatcher; stream?: OrderStream }): OrderEventPublisher {
  let stream = deps.stream;
  return {
    async publish(event) {
      stream?.publish(event);
      await deps.webhooks?.enqueue(event);
    },
    setStream(s) {
      stream = s;
    },
  };
}
