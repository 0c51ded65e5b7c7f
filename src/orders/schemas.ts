import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { ORDER_STATUSES } from './statuses.js';

extendZodWithOpenApi(z);

/**
 * Request and response schemas of the orders API. Card fields are checked for shape here and for
 * the carrier's format by src/cards, so their messages never echo a number or a PIN.
 */
const digitsLike = (what: string) =>
  z.string().min(1).max(64).openapi({ description: `${what}; spaces, dashes and full-width digits are accepted` });

export const SellerSchema = z
  .object({
    id: z.string().min(1).max(128).optional(),
    ip: z.string().min(2).max(64).optional(),
    deviceId: z.string().min(1).max(128).optional(),
  })
  .strict()
  .openapi('Seller', { description: 'Who sells the card, for risk checks (optional).' });

export const PayoutSchema = z
  .object({
    channel: z.enum(['alipay']).default('alipay'),
    identity: z.string().min(1).max(100).openapi({ description: "The seller's Alipay logon id (email or phone) or user id" }),
    identityType: z.enum(['ALIPAY_LOGON_ID', 'ALIPAY_USER_ID']).default('ALIPAY_LOGON_ID'),
    name: z.string().min(1).max(100).optional().openapi({ description: 'Real name, checked by Alipay when given' }),
  })
  .strict()
  .openapi('Payout', { description: 'Where the seller is paid; without it the merchant settings payoutAccount is used.' });

export const CreateOrderSchema = z
  .object({
    merchantOrderId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_\-.:]+$/, 'letters, digits and _ - . : only'),
    carrier: z.enum(['cmcc', 'cucc', 'ctcc']).optional(),
    denomination: z.number().int().positive().max(100_000).openapi({ description: 'Declared face value in yuan' }),
    cardNumber: digitsLike('Card number'),
    cardPin: digitsLike('Card PIN (never returned, logged or stored in plaintext)'),
    notifyUrl: z.string().url().max(2048).refine((u) => /^https?:\/\//.test(u), 'must be http(s)').optional(),
    payout: PayoutSchema.optional(),
    seller: SellerSchema.optional(),
    recognitionConfidence: z.number().min(0).max(1).optional().openapi({ description: 'Confidence of a photo recognition the card came from' }),
  })
  .strict()
  .openapi('CreateOrder');

export type CreateOrderInput = z.infer<typeof CreateOrderSchema>;

export const BATCH_LIMIT = 1000;

export const BatchSchema = z
  .object({ orders: z.array(z.unknown()).min(1).max(BATCH_LIMIT).openapi({ type: 'array', items: { $ref: '#/components/schemas/CreateOrder' } }) })
  .strict()
  .openapi('CreateOrderBatch');

export const OrderEventSchema = z
  .object({
    from: z.enum(ORDER_STATUSES).nullable(),
    to: z.enum(ORDER_STATUSES),
    reason: z.string().nullable(),
    actor: z.string(),
    at: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('OrderEvent');

export const OrderSchema = z
  .object({
    id: z.string().openapi({ example: 'ord_0mhx2k9a1b2c3d4e5f6g7h8i9j' }),
    merchantOrderId: z.string(),
    carrier: z.enum(['cmcc', 'cucc', 'ctcc']),
    denomination: z.number().int(),
    cardNumberMasked: z.string(),
    pinMasked: z.string(),
    status: z.enum(ORDER_STATUSES),
    reason: z.string().nullable(),
    quoteFen: z.number().int().nullable(),
    settledFen: z.number().int().nullable(),
    notifyUrl: z.string().nullable(),
    payout: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    history: z.array(OrderEventSchema).optional(),
  })
  .openapi('Order');

export type OrderView = z.infer<typeof OrderSchema>;

export const ListQuerySchema = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const OrderListSchema = z.object({ data: z.array(OrderSchema), nextCursor: z.string().nullable() }).openapi('OrderList');

export const BatchResultSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int(),
        order: OrderSchema.optional(),
        error: z.object({ code: z.string(), detail: z.string() }).optional(),
      }),
    ),
    accepted: z.number().int(),
    rejected: z.number().int(),
  })
  .openapi('OrderBatchResult');
