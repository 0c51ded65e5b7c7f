import type { OrderEventsTable, OrdersTable } from '../store/tables.js';
import type { PipelineOrder } from './port.js';
import type { OrderStatus } from './statuses.js';
import type { OrderView } from './schemas.js';

export function toPipelineOrder(row: OrdersTable): PipelineOrder {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    merchantOrderId: row.merchant_order_id,
    carrier: row.carrier,
    denomination: Number(row.denomination),
    status: row.status as OrderStatus,
    reason: row.reason,
    quoteFen: row.quote_fen === null ? null : Number(row.quote_fen),
    settledFen: row.settled_fen === null ? null : Number(row.settled_fen),
    notifyUrl: row.notify_url,
    payout: row.payout ? (JSON.parse(row.payout) as Record<string, unknown>) : null,
    context: JSON.parse(row.context) as Record<string, unknown>,
    cardFingerprint: row.card_fingerprint,
    createdAt: row.created_at,
  };
}

/** What a merchant's view needs: never the card envelope, the fingerprint or the pipeline context. */
export const ORDER_VIEW_COLUMNS = [
  'id', 'merchant_order_id', 'carrier', 'denomination', 'card_number_masked', 'pin_masked', 'status', 'reason',
  'quote_fen', 'settled_fen', 'notify_url', 'payout', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof OrdersTable>;

export type OrderViewRow = Pick<OrdersTable, (typeof ORDER_VIEW_COLUMNS)[number]>;

/** The history as the view shows it. */
export const HISTORY_COLUMNS = ['id', 'from_status', 'to_status', 'reason', 'actor', 'created_at', 'details'] as const satisfies ReadonlyArray<keyof OrderEventsTable>;

export type HistoryRow = Pick<OrderEventsTable, (typeof HISTORY_COLUMNS)[number]>;

export function toOrderView(row: OrderViewRow, events?: HistoryRow[]): OrderView {
  return {
    id: row.id,
    merchantOrderId: row.merchant_order_id,
    carrier: row.carrier as OrderView['carrier'],
    denomination: Number(row.denomination),
    cardNumberMasked: row.card_number_masked,
    pinMasked: row.pin_masked,
    status: row.status as OrderStatus,
    reason: row.reason,
    quoteFen: row.quote_fen === null ? null : Number(row.quote_fen),
    settledFen: row.settled_fen === null ? null : Number(row.settled_fen),
    notifyUrl: row.notify_url,
    payout: row.payout ? (JSON.parse(row.payout) as Record<string, unknown>) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(events
      ? {
          history: events.map((e) => ({
            from: e.from_status as OrderStatus | null,
            to: e.to_status as OrderStatus,
            reason: e.reason,
            actor: e.actor,
            at: e.created_at,
            details: JSON.parse(e.details) as Record<string, unknown>,
          })),
        }
      : {}),
  };
}
