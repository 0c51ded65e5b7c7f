import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSignature, signatureHeader, verifyWebhookSignature } from '../../src/notify/webhook-signature.js';

describe('webhook signatures (Stripe-style CR-Signature)', () => {
  const at = new Date('2026-03-10T04:00:00Z');
  const t = Math.floor(at.getTime() / 1000);

  it('produces t=…,v1=HMAC-SHA256(secret, t.body) in hex', () => {
    const header = signatureHeader('whsec_1', '{"a":1}', at);
    expect(header).toBe(`t=${t},v1=${computeSignature('whsec_1', t, '{"a":1}')}`);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('verifies any body signed with the secret, and nothing altered (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 5 }), (secret, body, extra) => {
        const header = signatureHeader(secret, body, at);
        expect(verifyWebhookSignature(secret, header, body, { now: at })).toEqual({ ok: true, timestamp: t });
        expect(verifyWebhookSignature(secret, header, body + extra, { now: at })).toEqual({ ok: false, reason: 'no_matching_signature' });
        expect(verifyWebhookSignature(secret + extra, header, body, { now: at }).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('enforces the 300 s tolerance, accepts any of several v1 (rotation), rejects junk', () => {
    const body = '{}';
    const header = signatureHeader('s', body, at);
    expect(verifyWebhookSignature('s', header, body, { now: new Date(at.getTime() + 300_000) }).ok).toBe(true);
    expect(verifyWebhookSignature('s', header, body, { now: new Date(at.getTime() + 301_000) })).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' });
    expect(verifyWebhookSignature('s', header, body, { now: new Date(at.getTime() - 301_000) }).ok).toBe(false);
    const rotated = `t=${t},v1=${computeSignature('old', t, body)},v1=${computeSignature('s', t, body)}`;
    expect(verifyWebhookSignature('s', rotated, body, { now: at }).ok).toBe(true);
    for (const junk of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`]) {
      expect(verifyWebhookSignature('s', junk, body, { now: at })).toEqual({ ok: false, reason: 'malformed_header' });
    }
  });
});
