import type { ForecastPoint } from './forecaster.js';
import type { PricingPolicy } from './policy.js';
import type { BreakdownLine } from './quote.js';

export interface ForecastRequest {
  carrier: string;
  denomination: number;
  horizon: number;
}

export interface Forecast {
  carrier: string;
  denomination: number;
  asOf: string; // last observed date
  lastRate: number;
  points: ForecastPoint[];
  volatilityIndex: number; // 0..100
  heat: number | null; // volume vs its baseline, 1 = normal; null without volume data
  modelVersion: string;
}

export interface QuoteRequest {
  carrier: string;
  denomination: number;
  policy?: PricingPolicy;
  merchantId?: string;
}

export interface Quote {
  quoteId: string;
  merchantId?: string;
  carrier: string;
  denomination: number;
  faceValueFen: number;
  priceFen: number;
  rate: number; // forecast market rate for the next day
  effectiveRate: number; // priceFen / faceValueFen
  low: number; // 80% interval on the market rate
  high: number;
  breakdown: BreakdownLine[];
  policy: PricingPolicy;
  volatilityIndex: number;
  heat: number | null;
  modelVersion: string;
  asOf: string;
  forecastDate: string;
  createdAt: string;
  expiresAt: string;
}

export interface Observation {
  date: string;
  carrier: string;
  denomination: number;
  price: number;
  volume?: number;
}
