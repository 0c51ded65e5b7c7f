/**
 * The carrier catalogue of the contract, as data. Denominations are configurable per carrier:
 * `withDenominations` returns a catalogue with a carrier's list replaced.
 */
export type CarrierCode = 'cmcc' | 'cucc' | 'ctcc';

export interface CarrierSpec {
  code: CarrierCode;
  name: string;
  cardNumberLength: number;
  pinLength: number;
  denominations: readonly number[];
}

export const DEFAULT_DENOMINATIONS = [10, 20, 30, 50, 100, 200, 300, 500] as const;

export const CARRIERS: Readonly<Record<CarrierCode, CarrierSpec>> = {
  cmcc: { code: 'cmcc', name: 'China Mobile 神州行', cardNumberLength: 17, pinLength: 18, denominations: DEFAULT_DENOMINATIONS },
  cucc: { code: 'cucc', name: 'China Unicom 一卡充', cardNumberLength: 15, pinLength: 19, denominations: DEFAULT_DENOMINATIONS },
  ctcc: { code: 'ctcc', name: 'China Telecom 天翼', cardNumberLength: 19, pinLength: 18, denominations: DEFAULT_DENOMINATIONS },
};

export type Catalogue = Readonly<Record<CarrierCode, CarrierSpec>>;

export const CARRIER_CODES = Object.keys(CARRIERS) as CarrierCode[];

export function isCarrierCode(value: string): value is CarrierCode {
  return (CARRIER_CODES as string[]).includes(value);
}

export function withDenominations(catalogue: Catalogue, carrier: CarrierCode, denominations: readonly number[]): Catalogue {
  return { ...catalogue, [carrier]: { ...catalogue[carrier], denominations: [...denominations].sort((a, b) => a - b) } };
}
