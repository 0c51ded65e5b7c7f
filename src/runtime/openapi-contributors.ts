import type { OpenApiContributor } from '../api/openapi.js';

/** OpenAPI contributions of the pipeline domains' routes. */
export function openApiContributors(): OpenApiContributor[] {
  return [];
}
