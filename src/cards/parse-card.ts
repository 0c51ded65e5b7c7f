import { CARRIERS, CARRIER_CODES, isCarrierCode, type Catalogue, type CarrierCode } from './catalogue.js';
import { isAllDigits, normaliseDigits } from './normalise.js';
import { maskDigits } from './mask.js';

export interface CardInput {
  carrier?: string;
  denomination: number;
  cardNumber: string;
  cardPin: string;
}

export interface ParsedCard {
  carrier: CarrierCode;
  denomination: number;
  cardNumber: string;
  cardPin: string;
  cardNumberMasked: string;
  pinMasked: string;
}

export type CardProblemCode =
  | 'invalid_carrier'
  | 'carrier_not_inferred'
  | 'invalid_card_number'
  | 'invalid_card_pin'
  | 'invalid_denomination';

export interface CardProblem {
  code: CardProblemCode;
  detail: string;
}

export type CardParseResult = { ok: true; card: ParsedCard } | { ok: false; problem: CardProblem };

const fail = (code: CardProblemCode, detail: string): CardParseResult => ({ ok: false, problem: { code, detail } });

/** Which carriers' (number length, PIN length) pair matches: lengths alone identify the carrier. */
export function inferCarrier(cardNumber: string, cardPin: string, catalogue: Catalogue = CARRIERS): CarrierCode[] {
  return CARRIER_CODES.filter(
    (c) => catalogue[c].cardNumberLength === cardNumber.length && catalogue[c].pinLength === cardPin.length,
  );
}

/**
 * Normalises and checks a card against the catalogue. Bad input is an expected outcome, so it is
 * returned, not thrown. Problem details never echo the number or the PIN.
 */
export function parseCard(input: CardInput, catalogue: Catalogue = CARRIERS): CardParseResult {
  const cardNumber = normaliseDigits(String(input.cardNumber ?? ''));
  const cardPin = normaliseDigits(String(input.cardPin ?? ''));
  if (!isAllDigits(cardNumber)) return fail('invalid_card_number', 'the card number must contain digits only');
  if (!isAllDigits(cardPin)) return fail('invalid_card_pin', 'the card PIN must contain digits only');

  let carrier: CarrierCode;
  if (input.carrier !== undefined && input.carrier !== null && input.carrier !== '') {
    const code = String(input.carrier).trim().toLowerCase();
    if (!isCarrierCode(code)) return fail('invalid_carrier', `unknown carrier; expected one of ${CARRIER_CODES.join(', ')}`);
    carrier = code;
  } else {
    const matches = inferCarrier(cardNumber, cardPin, catalogue);
    if (matches.length !== 1) {
      return fail('carrier_not_inferred', `no carrier issues a ${cardNumber.length}-digit number with a ${cardPin.length}-digit PIN`);
    }
    carrier = matches[0]!;
  }

  const spec = catalogue[carrier];
  if (cardNumber.length !== spec.cardNumberLength) {
    return fail('invalid_card_number', `${carrier} card numbers have ${spec.cardNumberLength} digits, got ${cardNumber.length}`);
  }
  if (cardPin.length !== spec.pinLength) {
    return fail('invalid_card_pin', `${carrier} PINs have ${spec.pinLength} digits, got ${cardPin.length}`);
  }
  const denomination = Number(input.denomination);
  if (!Number.isInteger(denomination) || !spec.denominations.includes(denomination)) {
    return fail('invalid_denomination', `${carrier} cards come in ${spec.denominations.join(', ')} yuan`);
  }
  return {
    ok: true,
    card: {
      carrier,
      denomination,
      cardNumber,
      cardPin,
      cardNumberMasked: maskDigits(cardNumber),
      pinMasked: maskDigits(cardPin),
    },
  };
}
