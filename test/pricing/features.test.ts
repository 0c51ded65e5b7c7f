import { describe, expect, it } from 'vitest';
import { FEATURES, FEATURE_NAMES, WINDOW, seriesContext, writeWindow } from '../../src/pricing/features.js';
import { circulationHeat, volatilityIndex } from '../../src/pricing/indicators.js';

const dates = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
const prices = dates.map((_, i) => 95 + Math.sin(i / 2) * 0.4 + (i % 7 === 5 ? -0.3 : 0));

describe('window features', () => {
  it('are invariant to the price scale, so any positive series looks alike', () => {
    const a = new Float32Array(WINDOW * FEATURES);
    const b = new Float32Array(WINDOW * FEATURES);
    writeWindow(seriesContext(dates, prices), 100, a);
    writeWindow(seriesContext(dates, prices.map((p) => p * 1234.5)), 100, b);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 3);
  });

  it('carry the peers\' common path, only on the series\' own dates, and zero without peers', () => {
    const f = (ctxPeers: Parameters<typeof seriesContext>[2]) => {
      const w = new Float32Array(WINDOW * FEATURES);
      writeWindow(seriesContext(dates.slice(0, 101), prices.slice(0, 101), ctxPeers), 100, w);
      return w;
    };
    const peerPrices = dates.map((_, i) => 50 * Math.exp(0.001 * i));
    const alone = f([]);
    const withPeer = f([{ dates, prices: peerPrices }]);
    // A peer's observations after the series' last day must not change anything.
    const longer = f([{ dates: [...dates, '2099-01-01'], prices: [...peerPrices, 1] }]);
    const at = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);
    const last = (w: Float32Array, name: (typeof FEATURE_NAMES)[number]) => w[(WINDOW - 1) * FEATURES + at(name)];
    expect(last(alone, 'hasPeers')).toBe(0);
    expect(last(alone, 'peerCorrelation')).toBe(0);
    expect(last(withPeer, 'hasPeers')).toBe(1);
    expect(last(withPeer, 'peerReturn')).toBeGreaterThan(0); // the peer rose into the last day
    expect(Array.from(longer)).toEqual(Array.from(withPeer));
    // Own-series features do not depend on the peers.
    const own = FEATURE_NAMES.filter((n) => !n.startsWith('peer') && n !== 'hasPeers').map((n) => FEATURE_NAMES.indexOf(n));
    for (let k = 0; k < WINDOW; k++) for (const j of own) expect(withPeer[k * FEATURES + j]).toBe(alone[k * FEATURES + j]);
  });

  it('never read a peer (or the series) after the window\'s last day', () => {
    const peer = dates.map((_, i) => 50 + Math.cos(i / 4));
    const changed = peer.map((p, i) => (i > 100 ? p * 1.5 : p));
    const a = new Float32Array(WINDOW * FEATURES);
    const b = new Float32Array(WINDOW * FEATURES);
    writeWindow(seriesContext(dates, prices, [{ dates, prices: peer }]), 100, a);
    writeWindow(seriesContext(dates, prices.map((p, i) => (i > 100 ? p * 2 : p)), [{ dates, prices: changed }]), 100, b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('stay finite for a flat series and at the very start of a series', () => {
    const flat = dates.map(() => 10);
    const w = new Float32Array(WINDOW * FEATURES);
    writeWindow(seriesContext(dates, flat), 119, w);
    writeWindow(seriesContext(dates, prices), 2, w);
    expect(w.every(Number.isFinite)).toBe(true);
  });
});

describe('predictive fields', () => {
  it('volatility index is 0..100 and higher after a turbulent stretch', () => {
    const calm = prices.slice();
    const wild = prices.map((p, i) => (i > 100 ? p + (i % 2 ? 2 : -2) : p));
    const vCalm = volatilityIndex(seriesContext(dates, calm));
    const vWild = volatilityIndex(seriesContext(dates, wild));
    expect(vCalm).toBeGreaterThanOrEqual(0);
    expect(vWild).toBeLessThanOrEqual(100);
    expect(vWild).toBeGreaterThan(vCalm);
  });

  it('circulation heat compares the last week with its baseline', () => {
    const base = Array.from({ length: 100 }, () => 100);
    expect(circulationHeat(base)).toBe(1);
    expect(circulationHeat([...base, ...Array(7).fill(150)])).toBe(1.5);
    expect(circulationHeat(undefined)).toBeNull();
  });
});
