import type { OrderStatus } from './statuses.js';

/**
 * What the pipeline stages (verification, risk, pricing, settlement) may do with an order. They
 * depend on this port, not on the orders internals; src/orders implements it.
 */
export interface PipelineOrder {
  id: string;
  merchantId: string;
  merchantOrderId: string;
  carrier: string;
  denomination: number;
  status: OrderStatus;
  reason: string | null;
  quoteFen: number | null;
  settledFen: number | null;
  notifyUrl: string | null;
  payout: Record<string, unknown> | null;
  /** Seller id, client IP, device id, recognition confidence… as the merchant sent them. */
  context: Record<string, unknown>;
  cardFingerprint: string;
  createdAt: string;
}

export interface SecretCard {
  cardNumber: string;
  cardPin: string;
}

export interface TransitionInfo {
  reason?: string;
  details?: Record<string, unknown>;
  actor?: string;
  quoteFen?: number;
  settledFen?: number;
}

export interface OrderPipelinePort {
  get(orderId: string): Promise<PipelineOrder | undefined>;
  /** Decrypts the card for the carrier call; the plaintext must not be stored or logged. */
  revealCard(orderId: string): Promise<SecretCard>;
  /**
   * Moves the order along its transitions table, appends to its history and the audit log, and
   * publishes the change. Throws AppError `invalid_transition` (409) when the move is not allowed.
   */
  transition(orderId: string, to: OrderStatus, info?: TransitionInfo): Promise<PipelineOrder>;
}
