import type { OpenApiContributor } from '../api/openapi.js';
import { registerDiagnosisOpenApi } from '../api/routes/diagnosis.js';
import { registerPricingOpenApi } from '../api/routes/pricing.js';
import { registerRecognitionOpenApi } from '../api/routes/recognitions.js';
import { registerReviewOpenApi } from '../api/routes/review.js';
import { registerSettlementOpenApi } from '../api/routes/settlement.js';

/** OpenAPI contributions of the pipeline domains' routes. */
export function openApiContributors(): OpenApiContributor[] {
  return [registerRecognitionOpenApi, registerPricingOpenApi, registerReviewOpenApi, registerDiagnosisOpenApi, registerSettlementOpenApi];
}
