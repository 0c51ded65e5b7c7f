import type { ModelCard } from '../../src/pricing/model-card.js';

const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;

const arch = (c: ModelCard): string => {
  const a = c.architecture;
  const lstm = `LSTM(${a.units}, recurrent activation ${a.recurrentActivation})`;
  return a.members && a.members > 1 ? `${lstm} = ensemble of ${a.members} independently trained LSTM(${a.unitsPerMember}) folded block-diagonally into one LSTM, dense head averaging them,` : lstm;
};

const augmentation = (c: ModelCard): string => {
  const a = c.training.augmentation;
  return a
    ? ` (augmented: ${a.peerDropout * 100}% with the peers hidden, ${a.foreignPeers * 100}% with another carrier's series as peers, ${a.sticky ? `${a.sticky * 100}% re-quoted on a coarse grid (sticky prices), ` : ''}plus ${a.randomWalkSeries} random-walk series${a.sticky ? ', half of them sticky' : ''})`
    : '';
};

const training = (c: ModelCard): string => {
  const t = c.training;
  if (!t.members) return `${t.epochsRun}/${t.epochs} epochs (best epoch by the loss on the calibration period, early stopping)`;
  const each = t.members.map((m) => `seed ${m.seed}: best epoch ${m.bestEpoch} of ${m.epochsRun}`).join('; ');
  return `${t.members.length} members, each at most ${t.epochs} epochs or until its learning rate decays below 5% of the start, keeping the epoch with the lowest calibration loss (patience 3; ${each})`;
};

/** Human-readable model card next to model-card.json. */
export function renderModelCardMarkdown(c: ModelCard): string {
  const m = c.metrics;
  const rows = Object.entries(m.baselines).map(([k, v]) => `| ${k} | ${pct(v.mape)} | ${v.mae.toFixed(4)} | ${((m.mae / v.mae - 1) * 100).toFixed(1)}% |`);
  return `# Pricing forecaster ${c.version}

- Created: ${c.createdAt}
- Framework: ${c.framework}
- Architecture: ${arch(c)} over ${c.architecture.window} days × ${c.architecture.features} features (the series' own returns, calendar, volatility, and the mean path of its peers: the same carrier's other denominations, zero when there are none) → dense(${c.architecture.horizon}); outputs log(price[t+h]/price[t]) divided by the series' 30-day volatility. Served and evaluated point forecasts are rounded onto the series' quoting grid (its smallest recent price change, src/pricing/grid.ts).
- Data: \`${c.data.path}\` (sha256 ${c.data.sha256.slice(0, 16)}…), ${c.data.rows} rows, ${c.data.series} series, ${c.data.firstDate} … ${c.data.lastDate}; generator ${JSON.stringify(c.data.generator ?? 'n/a')}
- Split: evaluation = ${c.split.evaluation}; calibration = ${c.split.calibration}; training = ${c.split.training}.
- Training: seed ${c.training.seed}, ${training(c)}, input dropout ${c.training.dropout ?? 0}, batch ${c.training.batchSize}, Adam ${c.training.learningRate}${c.training.learningRateDecay ? ` × ${c.training.learningRateDecay}/epoch` : ''}, ${c.training.loss ?? 'Huber'} loss, ${c.training.trainWindows} windows${augmentation(c)}, ${c.training.seconds} s wall clock.

## Held-out metrics (one-step-ahead, n = ${m.n})

| predictor | MAPE | MAE (yuan) | LSTM MAE vs it |
|---|---|---|---|
| **LSTM** | ${pct(m.mape)} | ${m.mae.toFixed(4)} | |
${rows.join('\n')}

- MAE vs best baseline (${m.bestBaseline}): ${(m.maeVsBestBaseline * 100).toFixed(1)}%
- 80% interval coverage (one step): ${pct(m.coverage80)}
- Per horizon: ${(m.perHorizon ?? []).map((p) => `h${p.horizon} MAPE ${pct(p.mape)} cov ${pct(p.coverage80)}`).join('; ')}

## Gate
${c.gate.passed ? 'Passed' : 'FAILED'} (beat the best baseline's MAE and one-step MAPE ≤ ${pct(c.gate.maxMape)})${c.gate.reasons.length ? ': ' + c.gate.reasons.join('; ') : ''}.

## Limits
Trained on simulated market data (training/pricing/simulate.ts); intervals are split-conformal quantiles of
normalised residuals from the calibration period and assume volatility there resembles volatility later.
The peer features need the same carrier's other denominations on the same dates; without them the model
falls back to the series alone (trained for, but less accurate). Series with no structure at all (random
walks) are forecast slightly worse than naive and with too narrow intervals: the simulated market always
has reverting noise. \`npx tsx training/pricing/generalisation.ts\` scores these cases (another simulated
market, lone series, sticky quotes, random walks with and without unrelated peers).
`;
}
