/** Carriers and face values the pricing engine knows (CONTRACT "Cards"). */
export const CARRIERS = ['cmcc', 'cucc', 'ctcc'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const DENOMINATIONS = [10, 20, 30, 50, 100, 200, 300, 500] as const;
export type Denomination = (typeof DENOMINATIONS)[number];

export const isCarrier = (v: string): v is Carrier => (CARRIERS as readonly string[]).includes(v);
export const isDenomination = (v: number): v is Denomination => (DENOMINATIONS as readonly number[]).includes(v);

/** Series key used everywhere a (carrier, denomination) pair indexes data: `cmcc:100`. */
export const seriesKey = (carrier: string, denomination: number): string => `${carrier}:${denomination}`;
