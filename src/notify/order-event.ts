/** What the lead publishes after each order transition (transition → save → audit → publish). */
import { createHash } from 'node:crypto';
import type { OrderStatus } from '../orders/statuses.js';

export interface OrderEvent {
  /** Optional; when absent a deterministic id is derived, so publishing twice de-duplicates. */
  eventId?: string;
  orderId: string;
  merchantId: string;
  merchantOrderId: string;
  status: OrderStatus;
  previousStatus: OrderStatus | null;
  reason: string | null;
  quoteFen: number | null;
  settledFen: number | null;
  /** The order's notifyUrl; falls back to the merchant's webhookUrl setting. */
  notifyUrl?: string | null;
  /** ISO time of the transition. */
  at: string;
}

export function eventIdOf(e: OrderEvent): string {
  if (e.eventId) return e.eventId;
  const h = createHash('sha256').update(`${e.orderId}|${e.previousStatus ?? ''}|${e.status}|${e.at}`).digest('hex');
  return `evt_${h.slice(0, 26)}`;
}

/** The merchant-facing document (webhook body and WebSocket message data); never card data. */
export function publicEvent(e: OrderEvent) {
  return {
    id: eventIdOf(e),
    type: 'order.status_changed' as const,
    createdAt: e.at,
    data: {
      orderId: e.orderId, merchantOrderId: e.merchantOrderId, status: e.status, previousStatus: e.previousStatus,
      reason: e.reason, quoteFen: e.quoteFen, settledFen: e.settledFen,
    },
  };
}
