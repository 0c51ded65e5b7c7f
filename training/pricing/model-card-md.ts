import type { ModelCard } from '../../src/pricing/model-card.js';

const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;

/** Human-readable model card next to model-card.json. */
export function renderModelCardMarkdown(c: ModelCard): string {
  const m = c.metrics;
  const rows = Object.entries(m.baselines).map(([k, v]) => `| ${k} | ${pct(v.mape)} | ${v.mae.toFixed(4)} |`);
  return `# Pricing forecaster ${c.version}

- Created: ${c.createdAt}
- Framework: ${c.framework}
- Architecture: LSTM(${c.architecture.units}, recurrent activation ${c.architecture.recurrentActivation}) over ${c.architecture.window} days × ${c.architecture.features} features → dense(${c.architecture.horizon}); outputs log(price[t+h]/price[t]) divided by the series' 30-day volatility.
- Data: \`${c.data.path}\` (sha256 ${c.data.sha256.slice(0, 16)}…), ${c.data.rows} rows, ${c.data.series} series, ${c.data.firstDate} … ${c.data.lastDate}; generator ${JSON.stringify(c.data.generator ?? 'n/a')}
- Split: evaluation = ${c.split.evaluation}; calibration = ${c.split.calibration}; training = ${c.split.training}.
- Training: seed ${c.training.seed}, ${c.training.epochsRun}/${c.training.epochs} epochs (best epoch by the weighted Huber loss on the calibration period, early stopping), input dropout ${c.training.dropout ?? 0}, batch ${c.training.batchSize}, Adam ${c.training.learningRate}, Huber loss, ${c.training.trainWindows} windows, ${c.training.seconds} s.

## Held-out metrics (one-step-ahead, n = ${m.n})

| predictor | MAPE | MAE (yuan) |
|---|---|---|
| **LSTM** | ${pct(m.mape)} | ${m.mae.toFixed(4)} |
${rows.join('\n')}

- MAE vs best baseline (${m.bestBaseline}): ${(m.maeVsBestBaseline * 100).toFixed(1)}%
- 80% interval coverage (one step): ${pct(m.coverage80)}
- Per horizon: ${(m.perHorizon ?? []).map((p) => `h${p.horizon} MAPE ${pct(p.mape)} cov ${pct(p.coverage80)}`).join('; ')}

## Gate
${c.gate.passed ? 'Passed' : 'FAILED'} (beat the best baseline's MAE and one-step MAPE ≤ ${pct(c.gate.maxMape)})${c.gate.reasons.length ? ': ' + c.gate.reasons.join('; ') : ''}.

## Limits
Trained on simulated market data (training/pricing/simulate.ts); intervals are split-conformal quantiles of
normalised residuals from the calibration period and assume volatility there resembles volatility later.
`;
}
