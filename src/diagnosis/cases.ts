/**
 * The diagnosis case library: each failure code an order can carry, its known cause and remedy.
 * `prefix: true` cases match every code that starts with theirs (e.g. risk_blocklisted_ip).
 */
export interface DiagnosisCase {
  code: string;
  prefix?: boolean;
  title: string;
  cause: string;
  remedy: string;
  /** Who can act on it. */
  owner: 'seller' | 'merchant' | 'operator' | 'carrier';
  /** Whether resubmitting / waiting can succeed without changing anything. */
  retryable: boolean;
}

export const DIAGNOSIS_CASES: readonly DiagnosisCase[] = [
  { code: 'card_used', title: 'Card already used', cause: 'The carrier reports the card was already recharged or redeemed.', remedy: 'Do not resubmit; ask the seller for an unused card. If the seller disputes, ask them for the purchase receipt.', owner: 'seller', retryable: false },
  { code: 'card_invalid', title: 'Card invalid', cause: 'The carrier does not recognise the card number / PIN pair (typo, OCR misread or counterfeit).', remedy: 'Check the PIN digits against the photo (scratch panel fully removed?) and resubmit; repeated invalid cards from one seller suggest fraud.', owner: 'seller', retryable: false },
  { code: 'denomination_mismatch', title: 'Face value differs', cause: 'The carrier reports a real face value different from the declared one.', remedy: 'Per the merchant policy the order is frozen for review or awaits the seller: confirm the corrected price, or reject.', owner: 'merchant', retryable: false },
  { code: 'denomination_mismatch_compensated', title: 'Priced at the real face value', cause: 'The real face value differed; the merchant policy prices the card at the real value.', remedy: 'Nothing to do; the quote reflects the real face value.', owner: 'merchant', retryable: false },
  { code: 'awaiting_seller_confirmation', title: 'Waiting for the seller', cause: 'The real face value differs; a corrected quote was offered.', remedy: 'The seller accepts or refuses via POST /v1/orders/{id}/confirmation {accept}.', owner: 'seller', retryable: false },
  { code: 'seller_refused_correction', title: 'Seller refused the corrected price', cause: 'The seller did not accept the quote at the real face value.', remedy: 'Nothing to do; the card was not bought. A new order at the right face value may be submitted.', owner: 'seller', retryable: false },
  { code: 'carrier_unavailable', title: 'Carrier unavailable', cause: 'Every carrier channel failed or had its circuit breaker open through all retries.', remedy: 'Check cardrecycle_carrier_breaker_state and the carrier status page; once healthy, re-run verification (failed → verifying).', owner: 'operator', retryable: true },
  { code: 'pricing_failed', title: 'Pricing failed', cause: 'The card was verified but no quote could be computed (pricing model or quote store unavailable).', remedy: 'Check the pricing service and model files; then re-run verification (failed → verifying), which prices the verified card without asking the carrier again.', owner: 'operator', retryable: true },
  { code: 'carrier_requeued', title: 'Carrier outage: re-queued', cause: 'No channel answered; the order was re-queued for a later attempt.', remedy: 'Wait; it retries automatically up to the merchant\'s maxCarrierRetries.', owner: 'carrier', retryable: true },
  { code: 'carrier_batch_scheduled', title: 'Carrier outage: batch run', cause: 'No channel answered; the order moved to the downgraded batch run.', remedy: 'Wait for the batch run; check carrier health if many orders are waiting.', owner: 'carrier', retryable: true },
  { code: 'second_verification_scheduled', title: 'Second verification scheduled', cause: 'The carrier said invalid once; the merchant policy asks again before rejecting.', remedy: 'Wait for the second answer.', owner: 'carrier', retryable: true },
  { code: 'risk_blocklisted', prefix: true, title: 'Blocklisted', cause: 'The seller, IP, device, card or merchant is on the blocklist.', remedy: 'Contact risk operations to review the blocklist entry; do not resubmit.', owner: 'operator', retryable: false },
  { code: 'risk_duplicate_card', title: 'Duplicate card', cause: 'The same card is already in another live order.', remedy: 'Follow the earlier order; resubmit only if that order was rejected or failed.', owner: 'seller', retryable: false },
  { code: 'risk_low_confidence', title: 'Low recognition confidence', cause: 'The photo recognition was not confident enough about carrier, face value or digits.', remedy: 'A reviewer checks the photo; the seller may retake it in good light with the panel fully scratched.', owner: 'operator', retryable: false },
  { code: 'risk_velocity', prefix: true, title: 'Too many orders too fast', cause: 'More orders from this seller / IP / device in the window than the merchant allows.', remedy: 'A reviewer checks for card-testing or reselling; raise the merchant velocity limits if legitimate.', owner: 'operator', retryable: true },
  { code: 'risk_daily_limit', prefix: true, title: 'Daily amount limit reached', cause: 'The merchant\'s or seller\'s daily amount limit would be exceeded.', remedy: 'Resubmit after midnight China time or raise the limit in the merchant settings.', owner: 'merchant', retryable: true },
];

/** The case an unmatched failure gets, so the endpoint always answers something useful. */
export const UNKNOWN_CASE: DiagnosisCase = {
  code: 'unknown',
  title: 'Unknown failure',
  cause: 'This failure code has no entry in the case library yet.',
  remedy: 'Escalate to operations with the order id and its history; add a case to src/diagnosis/cases.ts.',
  owner: 'operator',
  retryable: false,
};
