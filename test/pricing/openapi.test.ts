import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { describe, expect, it } from 'vitest';
import { registerPricingOpenApi } from '../../src/api/routes/pricing.js';

describe('pricing OpenAPI', () => {
  it('documents both endpoints with their query parameters and schemas', () => {
    const registry = new OpenAPIRegistry();
    registerPricingOpenApi(registry);
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    const quotes = doc.paths?.['/v1/quotes']?.get;
    const forecasts = doc.paths?.['/v1/forecasts']?.get;
    expect(quotes?.parameters?.map((p) => ('name' in p ? p.name : ''))).toEqual(['carrier', 'denomination']);
    expect(forecasts?.parameters?.map((p) => ('name' in p ? p.name : ''))).toEqual(['carrier', 'denomination', 'horizon']);
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(expect.arrayContaining(['Quote', 'Forecast']));
  });
});
