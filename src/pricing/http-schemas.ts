import { z } from 'zod';
import { CARRIERS, DENOMINATIONS } from './catalog.js';
import { HORIZON } from './features.js';

/** Request and response shapes of the pricing endpoints (validation and OpenAPI share them). */
export const carrierParam = z.enum(CARRIERS).meta({ description: 'Carrier code', example: 'cmcc' });
export const denominationParam = z.coerce
  .number()
  .int()
  .refine((d) => (DENOMINATIONS as readonly number[]).includes(d), { message: `one of ${DENOMINATIONS.join(', ')}` })
  .meta({ description: 'Face value in yuan', example: 100 });
export const horizonParam = z.coerce.number().int().min(1).max(HORIZON).default(HORIZON).meta({ description: `Days ahead, 1..${HORIZON}`, example: 7 });

export const quoteQuery = z.object({ carrier: carrierParam, denomination: denominationParam });
export const forecastQuery = z.object({ carrier: carrierParam, denomination: denominationParam, horizon: horizonParam.optional() });

const breakdownLine = z.object({ code: z.string(), label: z.string(), amountFen: z.number().int(), rate: z.number().optional() });

export const quoteResponse = z
  .object({
    quoteId: z.string(),
    carrier: z.string(),
    denomination: z.number().int(),
    faceValueFen: z.number().int(),
    priceFen: z.number().int().meta({ description: 'What the merchant pays for the card, integer fen' }),
    rate: z.number().meta({ description: 'Forecast market buy-back rate (price / face value) for the next day' }),
    effectiveRate: z.number(),
    low: z.number(),
    high: z.number(),
    breakdown: z.array(breakdownLine).meta({ description: 'Lines add up to priceFen exactly' }),
    policy: z.record(z.string(), z.unknown()),
    volatilityIndex: z.number().int().min(0).max(100),
    heat: z.number().nullable(),
    modelVersion: z.string(),
    asOf: z.string(),
    forecastDate: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Quote' });

export const forecastResponse = z
  .object({
    carrier: z.string(),
    denomination: z.number().int(),
    asOf: z.string(),
    lastRate: z.number(),
    points: z.array(z.object({ date: z.string(), rate: z.number(), low: z.number(), high: z.number() })).meta({ description: '80% prediction intervals' }),
    volatilityIndex: z.number().int().min(0).max(100),
    heat: z.number().nullable(),
    modelVersion: z.string(),
  })
  .meta({ id: 'Forecast' });
