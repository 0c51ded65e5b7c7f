/** Carrier × denomination label space shared by training, serving and evaluation. */
export const CARRIERS = ['cmcc', 'cucc', 'ctcc'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const DENOMINATIONS = [10, 20, 30, 50, 100, 200, 300, 500] as const;
export type Denomination = (typeof DENOMINATIONS)[number];

/** Card number / PIN lengths per carrier (CONTRACT "Cards"). */
export const CARD_FORMATS: Record<Carrier, { serialLength: number; pinLength: number }> = {
  cmcc: { serialLength: 17, pinLength: 18 },
  cucc: { serialLength: 15, pinLength: 19 },
  ctcc: { serialLength: 19, pinLength: 18 },
};

export const CLASS_COUNT = CARRIERS.length * DENOMINATIONS.length;

export function classIndex(carrier: Carrier, denomination: Denomination): number {
  return CARRIERS.indexOf(carrier) * DENOMINATIONS.length + DENOMINATIONS.indexOf(denomination);
}

export function className(index: number): string {
  const c = CARRIERS[Math.floor(index / DENOMINATIONS.length)];
  const d = DENOMINATIONS[index % DENOMINATIONS.length];
  return `${c}-${d}`;
}

export function isCarrier(v: string): v is Carrier {
  return (CARRIERS as readonly string[]).includes(v);
}

export function isDenomination(v: number): v is Denomination {
  return (DENOMINATIONS as readonly number[]).includes(v);
}
