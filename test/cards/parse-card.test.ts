import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CARRIERS, CARRIER_CODES, inferCarrier, maskDigits, normaliseDigits, parseCard, withDenominations } from '../../src/cards/index.js';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/** Inserts separators people type: spaces, dashes, ideographic spaces, between random digits. */
const decorate = (s: string, seps: string[]) => s.split('').map((ch, i) => ch + (seps[i % seps.length] ?? '')).join('');

describe('parseCard', () => {
  for (const code of CARRIER_CODES) {
    const spec = CARRIERS[code];
    it(`accepts any well-formed ${code} card, decorated or not, and infers the carrier`, () => {
      fc.assert(
        fc.property(
          digits(spec.cardNumberLength),
          digits(spec.pinLength),
          fc.constantFrom(...spec.denominations),
          fc.boolean(),
          fc.array(fc.constantFrom('', ' ', '-', '\u3000', '－'), { minLength: 1, maxLength: 5 }),
          (num, pin, denom, fullWidth, seps) => {
            const styled = (s: string) => decorate(fullWidth ? toFullWidth(s) : s, seps);
            const r = parseCard({ cardNumber: styled(num), cardPin: styled(pin), denomination: denom });
            expect(r.ok).toBe(true);
            if (!r.ok) return;
            expect(r.card.carrier).toBe(code);
            expect(r.card.cardNumber).toBe(num);
            expect(r.card.cardPin).toBe(pin);
            expect(r.card.pinMasked.endsWith(pin.slice(-4))).toBe(true);
            expect(r.card.pinMasked).not.toContain(pin.slice(0, -4) || 'x');
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('rejects wrong lengths for an explicit carrier with a stable code and no digits echoed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CARRIER_CODES), fc.integer({ min: 5, max: 30 }), (code, len) => {
        fc.pre(len !== CARRIERS[code].cardNumberLength);
        const num = '7'.repeat(len);
        const r = parseCard({ carrier: code, cardNumber: num, cardPin: '1'.repeat(CARRIERS[code].pinLength), denomination: 100 });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.problem.code).toBe('invalid_card_number');
        expect(r.problem.detail).not.toContain(num);
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.oneof(fc.integer(), fc.double()), fc.option(fc.string()), (n, p, d, c) => {
        const r = parseCard({ cardNumber: n, cardPin: p, denomination: d, carrier: c ?? undefined });
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses non-digits, unknown carriers, unknown denominations and ambiguous lengths', () => {
    expect(parseCard({ cardNumber: '1234x', cardPin: '1', denomination: 10 })).toMatchObject({ ok: false, problem: { code: 'invalid_card_number' } });
    expect(parseCard({ cardNumber: '1'.repeat(17), cardPin: 'a'.repeat(18), denomination: 10 })).toMatchObject({ ok: false, problem: { code: 'invalid_card_pin' } });
    expect(parseCard({ carrier: 'att', cardNumber: '1'.repeat(17), cardPin: '1'.repeat(18), denomination: 10 })).toMatchObject({ ok: false, problem: { code: 'invalid_carrier' } });
    expect(parseCard({ cardNumber: '1'.repeat(17), cardPin: '1'.repeat(18), denomination: 25 })).toMatchObject({ ok: false, problem: { code: 'invalid_denomination' } });
    expect(parseCard({ cardNumber: '1'.repeat(16), cardPin: '1'.repeat(18), denomination: 10 })).toMatchObject({ ok: false, problem: { code: 'carrier_not_inferred' } });
  });

  it('honours a per-carrier denomination list', () => {
    const cat = withDenominations(CARRIERS, 'cucc', [30, 50]);
    expect(parseCard({ cardNumber: '1'.repeat(15), cardPin: '2'.repeat(19), denomination: 100 }, cat).ok).toBe(false);
    expect(parseCard({ cardNumber: '1'.repeat(15), cardPin: '2'.repeat(19), denomination: 50 }, cat).ok).toBe(true);
  });
});

describe('helpers', () => {
  it('normalises full-width digits and separators', () => {
    expect(normaliseDigits('１２３ 4-5\u30006')).toBe('123456');
  });
  it('masks all but the last four', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 5, maxLength: 40 }).map((s) => s.replace(/\D/g, '') + '12345'), (d) => {
        const m = maskDigits(d);
        expect(m.length).toBe(d.length);
        expect(m.slice(-4)).toBe(d.slice(-4));
        expect(/^\*+$/.test(m.slice(0, -4))).toBe(true);
      }),
    );
  });
  it('infers each carrier from lengths alone', () => {
    for (const c of CARRIER_CODES) {
      expect(inferCarrier('1'.repeat(CARRIERS[c].cardNumberLength), '1'.repeat(CARRIERS[c].pinLength))).toEqual([c]);
    }
  });
});
