import { createHmac } from 'node:crypto';

/**
 * Keyed blind index of a card: HMAC-SHA256 over the normalised carrier and number. Equal cards give
 * equal fingerprints, so duplicates are found by an index lookup without decrypting anything; without
 * the key, fingerprints reveal nothing about the numbers.
 */
export class BlindIndex {
  constructor(private readonly key: Buffer) {}

  card(carrier: string, cardNumber: string): string {
    return createHmac('sha256', this.key).update(`card:v1:${carrier}:${cardNumber}`).digest('base64url');
  }
}

export const BLIND_INDEX_KEY_ID = 'dk_blind_index_v1';
