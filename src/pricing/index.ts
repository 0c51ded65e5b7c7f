/** Pricing domain facade: forecasts of buy-back rates and quotes for cards. */
export { createPricingService, type PricingService, type PricingServiceOptions } from './service.js';
export type { Forecast, ForecastRequest, Quote, QuoteRequest, Observation } from './types.js';
export { pricingPolicySchema, DEFAULT_POLICY, DYNAMIC_PREMIUM_CAP, applyPolicy, type PricingPolicy, type PricingPolicyInput } from './policy.js';
export { percentFee, fixedFee, type FeeLine, type FeeContext } from './fees.js';
export { priceQuote, type RiskAdjustment, type RiskAdjustmentContext, type BreakdownLine } from './quote.js';
export { memoryQuoteStore, kyselyQuoteStore, type QuoteStore } from './quote-store.js';
export type { PricingTables, QuotesTable } from './tables.js';
export { migrations } from './migrations.js';
export { readQuotesCsv, readVolumesCsv } from './csv.js';
export { evaluateForecaster, HOLDOUT_FRACTION } from './evaluate.js';
export { loadOnnxRunner } from './onnx-runner.js';
export { readModelCard, type ModelCard, type EvaluationReport } from './model-card.js';
export { CARRIERS, DENOMINATIONS, isCarrier, isDenomination } from './catalog.js';
export { HORIZON } from './features.js';
