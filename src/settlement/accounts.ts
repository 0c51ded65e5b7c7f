/**
 * The chart of accounts. An account's behaviour follows from its code, so accounts are created on
 * first use and nobody has to keep a second list in sync.
 */
export type AccountKind =
  | 'seller_payable' // what we owe a seller (liability)
  | 'merchant_receivable' // what a merchant owes us, e.g. the annual service fee (asset)
  | 'fee_revenue' // platform fee income
  | 'carrier_receivable' // card value we will collect from the carrier channel (asset)
  | 'payout_clearing' // payouts sent to the gateway, not yet confirmed (liability)
  | 'gateway_funds'; // our prefunded balance at the payout gateway (asset)

export interface AccountSpec {
  code: string;
  kind: AccountKind;
  normalSide: 'debit' | 'credit';
  /** Only the prefunded gateway balance may go below zero: treasury tops it up outside this ledger. */
  allowNegative: boolean;
}

export const FEE_REVENUE = 'platform:fee_revenue';
export const PAYOUT_CLEARING = 'platform:payout_clearing';
export const GATEWAY_FUNDS = 'platform:gateway_funds';

const SAFE_PART = /^[A-Za-z0-9_.-]{1,64}$/;

function part(value: string, what: string): string {
  if (!SAFE_PART.test(value)) throw new RangeError(`invalid ${what} for an account code: ${JSON.stringify(value)}`);
  return value;
}

export const sellerAccount = (merchantId: string, sellerId: string) =>
  `seller:${part(merchantId, 'merchant id')}:${part(sellerId, 'seller id')}`;
export const merchantAccount = (merchantId: string) => `merchant:${part(merchantId, 'merchant id')}`;
export const carrierReceivable = (carrier: string) => `carrier:${part(carrier, 'carrier')}:receivable`;

export function accountSpec(code: string): AccountSpec {
  if (code === FEE_REVENUE) return { code, kind: 'fee_revenue', normalSide: 'credit', allowNegative: false };
  if (code === PAYOUT_CLEARING) return { code, kind: 'payout_clearing', normalSide: 'credit', allowNegative: false };
  if (code === GATEWAY_FUNDS) return { code, kind: 'gateway_funds', normalSide: 'debit', allowNegative: true };
  if (/^seller:[^:]+:[^:]+$/.test(code)) return { code, kind: 'seller_payable', normalSide: 'credit', allowNegative: false };
  if (/^merchant:[^:]+$/.test(code)) return { code, kind: 'merchant_receivable', normalSide: 'debit', allowNegative: false };
  if (/^carrier:[^:]+:receivable$/.test(code)) return { code, kind: 'carrier_receivable', normalSide: 'debit', allowNegative: false };
  throw new RangeError(`unknown account code ${code}`);
}

/** A signed posting amount (debit > 0) seen from the account's normal side. */
export function normalDelta(spec: AccountSpec, amountFen: number): number {
  return spec.normalSide === 'debit' ? amountFen : -amountFen;
}
