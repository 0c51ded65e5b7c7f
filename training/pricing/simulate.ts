import { CARRIERS, DENOMINATIONS, type Carrier } from '../../src/pricing/catalog.js';
import { createRng, type Rng } from './rng.js';

/**
 * Market simulator for card buy-back prices. Structure, from the outside in:
 * carrier regimes (policy changes: level jumps with a few days of ramp, calm/turbulent volatility
 * states), a slowly wandering carrier-wide drift, national promotions (Spring Festival, 618,
 * Double 11) and random carrier promotions that flood the market with cards (price down, volume up),
 * rare shocks that decay, weekly seasonality (more sellers at weekends), month-end buyer demand,
 * idiosyncratic mean-reverting noise and observation noise; prices quoted to the fen.
 */
export interface SimulationOptions {
  seed: number;
  start: string; // ISO date of the first day
  days: number;
}

export interface SimulatedRow {
  date: string;
  carrier: Carrier;
  denomination: number;
  price: number; // yuan, 2 decimals
  volume: number; // cards traded that day
  /** The rate an oracle knowing the market state (but not today's noise) would expect: a ceiling for forecasters. */
  expectedRate: number;
}

const CARRIER_LEVEL: Record<Carrier, number> = { cmcc: 0.968, cucc: 0.957, ctcc: 0.951 };
const CARRIER_VOLUME: Record<Carrier, number> = { cmcc: 1.0, cucc: 0.6, ctcc: 0.5 };
// Small cards cost the same to verify as big ones, so they are bought back at a lower rate.
const DENOM_LEVEL: Record<number, number> = { 10: -0.03, 20: -0.021, 30: -0.016, 50: -0.008, 100: 0, 200: 0.004, 300: 0.006, 500: 0.008 };
const DENOM_VOLUME: Record<number, number> = { 10: 1500, 20: 2000, 30: 2500, 50: 4000, 100: 5000, 200: 1500, 300: 800, 500: 600 };
// Monday..Sunday, in rate units: weekend sellers push prices down.
const WEEKLY = [0.0010, 0.0012, 0.0008, 0.0004, -0.0003, -0.0018, -0.0014];
const WEEKLY_VOLUME = [0.95, 0.92, 0.93, 0.97, 1.05, 1.25, 1.2];
// National events: [month (1-12), first day, last day, depth].
const NATIONAL_EVENTS: Array<[number, number, number, number]> = [
  [6, 10, 18, 0.006], // 618 shopping festival
  [11, 1, 11, 0.008], // Double 11
];
// Spring Festival (lunar new year) windows: people gift recharge cards, many get sold back.
const SPRING_FESTIVAL = ['2023-01-22', '2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26'];

const DAY = 86_400_000;
export const addDays = (iso: string, n: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

interface CarrierPath {
  level: number[]; // regime level offsets, ramped
  drift: number[]; // AR(1) carrier-wide drift
  volState: number[]; // volatility multiplier
  promo: number[]; // promotion depth (rate units, positive = price down)
  promoVolume: number[]; // volume multiplier from promotions
  shock: number[]; // shock depth (positive = price down)
  weeklyScale: number;
}

function ramp(values: number[], at: number, size: number, width: number): void {
  for (let t = at; t < values.length; t++) {
    const k = Math.min(1, (t - at + 1) / width);
    values[t] += size * k;
  }
}

function simulateCarrier(rng: Rng, dates: string[]): CarrierPath {
  const n = dates.length;
  const level = new Array<number>(n).fill(0);
  const drift = new Array<number>(n).fill(0);
  const volState = new Array<number>(n).fill(1);
  const promo = new Array<number>(n).fill(0);
  const promoVolume = new Array<number>(n).fill(1);
  const shock = new Array<number>(n).fill(0);

  // Regime changes: on average every ~140 days, level jumps of ~0.5% with a 2-7 day ramp.
  for (let t = 20; t < n; t++) {
    if (rng.next() < 1 / 140) ramp(level, t, rng.normal() * 0.005, rng.int(2, 7));
  }
  // Volatility states: a two-state Markov chain (calm 1x, turbulent 2.2x).
  let turbulent = false;
  for (let t = 0; t < n; t++) {
    if (turbulent ? rng.next() < 1 / 25 : rng.next() < 1 / 120) turbulent = !turbulent;
    volState[t] = turbulent ? 2.2 : 1;
  }
  // Carrier-wide drift, slowly mean-reverting.
  for (let t = 1; t < n; t++) drift[t] = 0.97 * drift[t - 1] + rng.normal() * 0.0008 * volState[t];

  const addPromo = (from: number, len: number, depth: number, volumeBoost: number): void => {
    for (let k = 0; k < len && from + k < n; k++) {
      if (from + k < 0) continue;
      // Ramp in over two days, hold, ease out over the last two.
      const shape = Math.min(1, (k + 1) / 2, (len - k) / 2);
      promo[from + k] += depth * shape;
      promoVolume[from + k] *= 1 + (volumeBoost - 1) * shape;
    }
  };
  const indexOf = (iso: string): number => Math.round((Date.parse(iso) - Date.parse(dates[0])) / DAY);
  for (const d of dates) {
    const [, m, day] = d.split('-').map(Number);
    for (const [month, first, , depth] of NATIONAL_EVENTS) {
      if (m === month && day === first) {
        const ev = NATIONAL_EVENTS.find((e) => e[0] === month)!;
        addPromo(indexOf(d), ev[2] - ev[1] + 1, depth * (0.7 + 0.6 * rng.next()), 1.6 + rng.next());
      }
    }
  }
  for (const sf of SPRING_FESTIVAL) {
    const i = indexOf(sf);
    if (i > -15 && i < n) addPromo(i - 3, 15, 0.01 * (0.7 + 0.6 * rng.next()), 2 + rng.next());
  }
  // Random carrier promotions (bonus-credit campaigns): ~8 a year, 3-10 days, 0.4-1.4% down.
  for (let t = 0; t < n; t++) {
    if (rng.next() < 8 / 365) addPromo(t, rng.int(3, 10), 0.004 + 0.01 * rng.next(), 1.4 + rng.next());
  }
  // Shocks (verification outages, crackdowns): ~2 a year, 1-3% down, decaying with a ~5 day half-life.
  for (let t = 0; t < n; t++) {
    if (rng.next() < 2 / 365) {
      const size = 0.01 + 0.02 * rng.next();
      for (let k = 0; t + k < n && k < 60; k++) shock[t + k] += size * Math.pow(0.5, k / 5);
    }
  }
  return { level, drift, volState, promo, promoVolume, shock, weeklyScale: 0.8 + 0.4 * rng.next() };
}

const daysInMonth = (iso: string): number => {
  const [y, m] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

export function simulateMarket(options: SimulationOptions): SimulatedRow[] {
  const rng = createRng(options.seed);
  const dates = Array.from({ length: options.days }, (_, i) => addDays(options.start, i));
  const rows: SimulatedRow[] = [];
  for (const carrier of CARRIERS) {
    const path = simulateCarrier(rng, dates);
    for (const denomination of DENOMINATIONS) {
      const base = CARRIER_LEVEL[carrier] + DENOM_LEVEL[denomination] + rng.normal() * 0.002;
      // Small cards react more to promotions (they are what promotions give away).
      const promoSens = denomination <= 50 ? 1.2 : denomination >= 300 ? 0.7 : 1;
      let idio = 0;
      for (let t = 0; t < dates.length; t++) {
        const date = dates[t];
        const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
        const dom = Number(date.slice(8, 10));
        const dim = daysInMonth(date);
        const monthEnd = dom > dim - 3 ? 0.0025 : dom <= 2 ? -0.001 : 0;
        const structural = base + path.level[t] + WEEKLY[dow] * path.weeklyScale + monthEnd - path.promo[t] * promoSens - path.shock[t];
        const expectedRate = Math.min(0.995, Math.max(0.88, structural + (t > 0 ? 0.97 * path.drift[t - 1] : 0) + 0.6 * idio));
        idio = 0.6 * idio + rng.normal() * 0.0012 * path.volState[t];
        const rate =
          base + path.level[t] + path.drift[t] + WEEKLY[dow] * path.weeklyScale + monthEnd -
          path.promo[t] * promoSens - path.shock[t] + idio + rng.normal() * 0.0012 * path.volState[t];
        const clamped = Math.min(0.995, Math.max(0.88, rate));
        const price = Math.round(clamped * denomination * 100) / 100;
        const volumeMean =
          DENOM_VOLUME[denomination] * CARRIER_VOLUME[carrier] * WEEKLY_VOLUME[dow] * (monthEnd > 0 ? 1.15 : 1) *
          path.promoVolume[t] * (1 - 10 * path.shock[t]);
        const volume = Math.max(0, Math.round(Math.max(0.1, volumeMean) * Math.exp(rng.normal() * 0.15)));
        rows.push({ date, carrier, denomination, price, volume, expectedRate });
      }
    }
  }
  return rows;
}
