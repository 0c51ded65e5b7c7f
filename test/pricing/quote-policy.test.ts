import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundMoney } from '../../src/core/money.js';
import { allocateIntegers } from '../../src/pricing/allocate.js';
import { fixedFee, percentFee } from '../../src/pricing/fees.js';
import { applyPolicy, DYNAMIC_PREMIUM_CAP, pricingPolicySchema, type PricingPolicy } from '../../src/pricing/policy.js';
import { priceQuote } from '../../src/pricing/quote.js';

const market = { rate: 0.9537, volatilityIndex: 40, heat: 1.1 };

describe('quote arithmetic', () => {
  it('market premium: rate × face × (1 + premium), fees deducted, rounded once', () => {
    const q = priceQuote({ carrier: 'cmcc', denomination: 100, market, policy: { kind: 'market', premium: 0.01 }, feeLines: [percentFee('service_fee', 'Service fee', 0.005), fixedFee('channel_fee', 'Channel fee', 3)] });
    const exact = 0.9537 * 10000 * 1.01 * (1 - 0.005) - 3;
    expect(q.priceFen).toBe(roundMoney(exact));
    expect(q.priceFen).toBe(9581);
    expect(q.breakdown.map((l) => l.code)).toEqual(['market_price', 'market_premium', 'service_fee', 'channel_fee']);
    expect(q.breakdown.reduce((a, l) => a + l.amountFen, 0)).toBe(q.priceFen);
  });

  it('fixed discount is off face value, independent of the market', () => {
    const q = priceQuote({ carrier: 'ctcc', denomination: 50, market: { ...market, rate: 0.5 }, policy: { kind: 'fixed_discount', discount: 0.04 } });
    expect(q.priceFen).toBe(4800);
    expect(q.breakdown).toEqual([
      { code: 'face_value', label: 'Face value', amountFen: 5000, rate: 1 },
      { code: 'fixed_discount', label: 'Fixed discount', amountFen: -200, rate: -0.04 },
    ]);
  });

  it('dynamic premium is capped at 8% and floored at 0', () => {
    const hot = applyPolicy({ kind: 'dynamic', base: 0.08, heatSensitivity: 1, volatilitySensitivity: 0 }, { ...market, heat: 0.1 });
    expect(hot.adjustment).toBe(DYNAMIC_PREMIUM_CAP);
    const calm = applyPolicy({ kind: 'dynamic', base: 0.0, heatSensitivity: 0, volatilitySensitivity: 1 }, { ...market, volatilityIndex: 100 });
    expect(calm.adjustment).toBe(0);
    const mid = applyPolicy({ kind: 'dynamic', base: 0.01, heatSensitivity: 0.02, volatilitySensitivity: 0.01 }, { rate: 0.95, heat: 0.5, volatilityIndex: 50 });
    expect(mid.adjustment).toBeCloseTo(0.01 + 0.01 - 0.005, 12);
  });

  it('risk hook applies a factor and shows up in the breakdown', () => {
    const q = priceQuote({ carrier: 'cucc', denomination: 100, market, policy: { kind: 'market', premium: 0 }, riskAdjustment: () => ({ factor: 0.99, reason: 'new merchant' }) });
    expect(q.priceFen).toBe(roundMoney(0.9537 * 10000 * 0.99));
    expect(q.breakdown.find((l) => l.code === 'risk_adjustment')?.label).toContain('new merchant');
  });

  it('rejects a quote that fees push below zero', () => {
    expect(() => priceQuote({ carrier: 'cmcc', denomination: 10, market, policy: { kind: 'market', premium: 0 }, feeLines: [fixedFee('big', 'Big', 5000)] })).toThrow(/fees exceed/);
  });

  it('schema rejects a dynamic base above the cap and unknown kinds', () => {
    expect(pricingPolicySchema.safeParse({ kind: 'dynamic', base: 0.09 }).success).toBe(false);
    expect(pricingPolicySchema.safeParse({ kind: 'bonus', premium: 0.01 }).success).toBe(false);
    expect(pricingPolicySchema.parse({ kind: 'dynamic', base: 0.01 })).toMatchObject({ heatSensitivity: 0.02, volatilitySensitivity: 0.01 });
  });
});

const policyArb: fc.Arbitrary<PricingPolicy> = fc.oneof(
  fc.record({ kind: fc.constant('market' as const), premium: fc.double({ min: -0.2, max: 0.2, noNaN: true }) }),
  fc.record({
    kind: fc.constant('dynamic' as const),
    base: fc.double({ min: -0.1, max: 0.08, noNaN: true }),
    heatSensitivity: fc.double({ min: 0, max: 1, noNaN: true }),
    volatilitySensitivity: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('fixed_discount' as const), discount: fc.double({ min: 0, max: 0.3, noNaN: true }) }),
);

describe('quote properties', () => {
  it('integer fen, breakdown sums exactly, total rounded once, dynamic premium ≤ 8%', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.constantFrom(10, 20, 30, 50, 100, 200, 300, 500),
        fc.double({ min: 0.85, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 0.02, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        (policy, denomination, rate, heat, vi, feePct, feeFen) => {
          const m = { rate, heat, volatilityIndex: vi };
          const q = priceQuote({ carrier: 'cmcc', denomination, market: m, policy, feeLines: [percentFee('pct', 'Pct', feePct), fixedFee('flat', 'Flat', feeFen)] });
          expect(Number.isSafeInteger(q.priceFen)).toBe(true);
          for (const l of q.breakdown) expect(Number.isSafeInteger(l.amountFen)).toBe(true);
          expect(q.breakdown.reduce((a, l) => a + l.amountFen, 0)).toBe(q.priceFen);
          const o = applyPolicy(policy, m);
          if (policy.kind === 'dynamic') expect(o.adjustment).toBeLessThanOrEqual(DYNAMIC_PREMIUM_CAP);
          const gross = o.baseRate * denomination * 100 * (1 + o.adjustment);
          expect(q.priceFen).toBe(roundMoney(gross - feePct * gross - feeFen));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('allocation of a rounded total keeps every part within 1 fen of its exact value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5000, max: 5000, noNaN: true }), { minLength: 1, maxLength: 8 }), (parts) => {
        const total = roundMoney(parts.reduce((a, b) => a + b, 0));
        const ints = allocateIntegers(parts, total);
        expect(ints.reduce((a, b) => a + b, 0)).toBe(total);
        ints.forEach((v, i) => expect(Math.abs(v - parts[i])).toBeLessThan(1 + 1e-6));
      }),
    );
  });
});
