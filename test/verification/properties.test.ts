import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClaimBody, ConfirmationBody, DecisionBody } from '../../src/api/routes/review.js';
import { PipelineSettingsSchema, parsePipelineSettings, signCarrierRequest, verifyCarrierSignature } from '../../src/verification/index.js';

describe('carrier request signature (property)', () => {
  it('verifies what it signed and rejects any change of body, key or time', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.string({ minLength: 1 }), (body, secret, ts, extra) => {
        const sig = signCarrierRequest(secret, ts, body);
        expect(verifyCarrierSignature(secret, String(ts), sig, body, ts * 1000)).toBe(true);
        expect(verifyCarrierSignature(secret, String(ts), sig, body + extra, ts * 1000)).toBe(false);
        expect(verifyCarrierSignature(secret + extra, String(ts), sig, body, ts * 1000)).toBe(false);
        expect(verifyCarrierSignature(secret, String(ts), sig, body, (ts + 301) * 1000)).toBe(false);
        expect(verifyCarrierSignature(secret, String(ts + 1), sig, body, ts * 1000)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('request and settings schemas (property)', () => {
  it('accept exactly well-formed review bodies', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const d = DecisionBody.safeParse(v);
        if (d.success) expect(['approve', 'reject', 'reverify']).toContain(d.data.decision);
        const c = ConfirmationBody.safeParse(v);
        if (c.success) expect(typeof c.data.accept).toBe('boolean');
        const k = ClaimBody.safeParse(v);
        if (k.success) expect(k.data.reviewer).toMatch(/^[\w.@-]{1,64}$/);
      }),
      { numRuns: 300 },
    );
    expect(DecisionBody.safeParse({ reviewer: 'a', decision: 'approve', reason: 'ok' }).success).toBe(true);
  });

  it('settings parsing never throws and always yields complete policies', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const s = parsePipelineSettings(raw);
        expect(PipelineSettingsSchema.safeParse(s).success).toBe(true);
        expect(['manual_review', 'second_verification', 'dispute']).toContain(s.exceptionPolicies.invalidCard);
      }),
      { numRuns: 300 },
    );
  });
});
