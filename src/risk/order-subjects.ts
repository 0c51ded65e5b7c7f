import type { PipelineOrder } from '../orders/port.js';

/**
 * Who is behind an order, read from the context the merchant sent: the API's nested
 * `seller: { id, ip, deviceId }` (what src/orders stores), or flat `sellerId` / `seller`, `ip` |
 * `clientIp`, `deviceId` | `device`; and `recognitionConfidence`.
 */
export interface OrderSubjects {
  seller?: string;
  ip?: string;
  device?: string;
  recognitionConfidence?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined);

export function orderSubjects(order: Pick<PipelineOrder, 'context'>): OrderSubjects {
  const c = order.context ?? {};
  const nested = c.seller && typeof c.seller === 'object' ? (c.seller as Record<string, unknown>) : {};
  const conf = c.recognitionConfidence;
  return {
    seller: str(nested.id) ?? str(c.sellerId) ?? str(c.seller),
    ip: str(nested.ip) ?? str(c.ip) ?? str(c.clientIp),
    device: str(nested.deviceId) ?? str(c.deviceId) ?? str(c.device),
    recognitionConfidence: typeof conf === 'number' && Number.isFinite(conf) ? conf : undefined,
  };
}
