import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { AppError, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { seriesKey } from './catalog.js';
import { readQuotesCsv, readVolumesCsv, isIsoDate } from './csv.js';
import { HORIZON, seriesContext } from './features.js';
import type { FeeLine } from './fees.js';
import { forecastSeries } from './forecaster.js';
import { circulationHeat, volatilityIndex } from './indicators.js';
import { readModelCard, type ModelCard } from './model-card.js';
import { loadOnnxRunner, type ModelRunner } from './onnx-runner.js';
import { DEFAULT_POLICY } from './policy.js';
import { priceQuote, type RiskAdjustment } from './quote.js';
import { memoryQuoteStore, type QuoteStore } from './quote-store.js';
import { peersOf, type PriceSeries } from './series.js';
import type { Forecast, ForecastRequest, Observation, Quote, QuoteRequest } from './types.js';

export interface PricingServiceOptions {
  modelDir?: string; // default models/pricing
  dataPath?: string; // default datasets/quotes.csv
  volumesPath?: string | null; // default volumes.csv next to dataPath when it exists; null = none
  clock?: Clock;
  feeLines?: readonly FeeLine[];
  riskAdjustment?: RiskAdjustment;
  quoteStore?: QuoteStore;
  quoteTtlMs?: number; // default 10 minutes
}

export interface PricingService {
  quote(req: QuoteRequest): Promise<Quote>;
  forecast(req: ForecastRequest): Promise<Forecast>;
  getQuote(id: string): Promise<Quote | undefined>;
  /** Appends observations (new market data); forecasts are recomputed after this. */
  addObservations(rows: readonly Observation[]): void;
  /** Loads the model in `dir` (default: the current one) and drops cached forecasts. */
  reloadModel(dir?: string): Promise<void>;
  readonly modelVersion: string;
  readonly modelCard: ModelCard;
  series(): Array<{ carrier: string; denomination: number; firstDate: string; lastDate: string; n: number }>;
  close(): Promise<void>;
}

interface State {
  runner: ModelRunner & { release(): Promise<void> };
  card: ModelCard;
}

export async function createPricingService(options: PricingServiceOptions = {}): Promise<PricingService> {
  const clock = options.clock ?? systemClock;
  const dataPath = resolve(options.dataPath ?? 'datasets/quotes.csv');
  let modelDir = resolve(options.modelDir ?? 'models/pricing');
  const ttl = options.quoteTtlMs ?? 10 * 60_000;
  const store = options.quoteStore ?? memoryQuoteStore();

  const series = new Map<string, PriceSeries>(readQuotesCsv(dataPath).map((s) => [s.key, s]));
  const volumes = new Map<string, { dates: string[]; volumes: number[] }>();
  const volumesPath = options.volumesPath === undefined ? join(dirname(dataPath), 'volumes.csv') : options.volumesPath;
  if (volumesPath && existsSync(volumesPath)) for (const v of readVolumesCsv(volumesPath)) volumes.set(v.key, v);

  const load = async (dir: string): Promise<State> => {
    const card = readModelCard(dir);
    const runner = await loadOnnxRunner(join(dir, card.files.onnx));
    return { runner, card };
  };
  let state = await load(modelDir);
  // Cached until new data or a new model: both bump the generation, which is part of the key.
  let generation = 0;
  const cache = new Map<string, { generation: number; value: Promise<Forecast> }>();

  const lookup = (carrier: string, denomination: number): PriceSeries => {
    const s = series.get(seriesKey(carrier, denomination));
    if (!s) throw notFound('series_not_found', `no price history for ${carrier} ${denomination}`);
    return s;
  };

  const computeForecast = async (s: PriceSeries, horizon: number): Promise<Forecast> => {
    const f = await forecastSeries(state.runner, state.card.intervals, s, horizon, peersOf(s, series.values()));
    const tail = Math.max(0, s.prices.length - 400);
    const ctx = seriesContext(s.dates.slice(tail), s.prices.slice(tail));
    return {
      carrier: s.carrier,
      denomination: s.denomination,
      asOf: f.asOf,
      lastRate: f.lastRate,
      points: f.points,
      volatilityIndex: volatilityIndex(ctx),
      heat: circulationHeat(volumes.get(s.key)?.volumes),
      modelVersion: state.card.version,
    };
  };

  const forecast = (req: ForecastRequest): Promise<Forecast> => {
    if (!Number.isInteger(req.horizon) || req.horizon < 1 || req.horizon > HORIZON) {
      return Promise.reject(new AppError('invalid_horizon', 400, 'Bad request', { detail: `horizon must be an integer 1..${HORIZON}` }));
    }
    const s = lookup(req.carrier, req.denomination);
    // One model run gives every horizon: cache the longest and slice.
    const key = s.key;
    let hit = cache.get(key);
    if (!hit || hit.generation !== generation) {
      const value = computeForecast(s, HORIZON);
      value.catch(() => cache.delete(key));
      cache.set(key, (hit = { generation, value }));
    }
    return hit.value.then((f) => (req.horizon === HORIZON ? f : { ...f, points: f.points.slice(0, req.horizon) }));
  };

  return {
    forecast,
    async quote(req) {
      const f = await forecast({ carrier: req.carrier, denomination: req.denomination, horizon: 1 });
      const next = f.points[0];
      const policy = req.policy ?? DEFAULT_POLICY;
      const priced = priceQuote({
        carrier: req.carrier,
        denomination: req.denomination,
        market: { rate: next.rate, volatilityIndex: f.volatilityIndex, heat: f.heat },
        policy,
        feeLines: options.feeLines,
        riskAdjustment: options.riskAdjustment,
        merchantId: req.merchantId,
      });
      const now = clock.now();
      const quote: Quote = {
        quoteId: newId('qte', now.getTime()),
        ...(req.merchantId ? { merchantId: req.merchantId } : {}),
        carrier: req.carrier,
        denomination: req.denomination,
        ...priced,
        low: next.low,
        high: next.high,
        policy,
        volatilityIndex: f.volatilityIndex,
        heat: f.heat,
        modelVersion: f.modelVersion,
        asOf: f.asOf,
        forecastDate: next.date,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttl).toISOString(),
      };
      await store.save(quote);
      return quote;
    },
    getQuote: (id) => store.get(id),
    addObservations(rows) {
      for (const r of rows) {
        if (!isIsoDate(r.date) || !(r.price > 0)) throw new AppError('invalid_observation', 400, 'Bad request', { detail: `bad observation ${JSON.stringify(r)}` });
        const key = seriesKey(r.carrier, r.denomination);
        const s = series.get(key) ?? { key, carrier: r.carrier, denomination: r.denomination, dates: [], prices: [] };
        const last = s.dates[s.dates.length - 1];
        if (last !== undefined && r.date <= last) throw new AppError('observation_out_of_order', 409, 'Conflict', { detail: `${key}: ${r.date} is not after ${last}` });
        s.dates.push(r.date);
        s.prices.push(r.price);
        series.set(key, s);
        if (r.volume !== undefined) {
          const v = volumes.get(key) ?? { dates: [], volumes: [] };
          v.dates.push(r.date);
          v.volumes.push(r.volume);
          volumes.set(key, v);
        }
      }
      generation++;
    },
    async reloadModel(dir) {
      const next = await load(resolve(dir ?? modelDir));
      const old = state;
      state = next;
      modelDir = resolve(dir ?? modelDir);
      generation++;
      await old.runner.release();
    },
    get modelVersion() {
      return state.card.version;
    },
    get modelCard() {
      return state.card;
    },
    series: () => [...series.values()].map((s) => ({ carrier: s.carrier, denomination: s.denomination, firstDate: s.dates[0], lastDate: s.dates[s.dates.length - 1], n: s.prices.length })),
    close: () => state.runner.release(),
  };
}
