/** Order statuses of the contract. */
export const ORDER_STATUSES = [
  'received', 'validated', 'verifying', 'verified', 'priced', 'settling', 'settled',
  'rejected', 'review', 'disputed', 'frozen', 'failed',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The transitions table (DESIGN convention 3): an order moves only along these edges.
 * `review`, `disputed` and `frozen` are parked states a person (or policy) resolves.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: ['validated', 'rejected', 'failed'],
  validated: ['verifying', 'rejected', 'review', 'failed'],
  verifying: ['verifying', 'verified', 'rejected', 'review', 'disputed', 'frozen', 'failed'],
  verified: ['priced', 'rejected', 'review', 'frozen', 'failed'],
  priced: ['settling', 'review', 'frozen', 'rejected', 'failed'],
  settling: ['settled', 'failed', 'review'],
  settled: ['disputed'],
  review: ['verifying', 'verified', 'priced', 'rejected', 'frozen', 'disputed'],
  disputed: ['verifying', 'verified', 'priced', 'rejected', 'frozen', 'settled'],
  frozen: ['verifying', 'verified', 'priced', 'rejected', 'review'],
  rejected: [],
  failed: ['verifying'],
};

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['settled', 'rejected'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function isOrderStatus(s: string): s is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(s);
}
