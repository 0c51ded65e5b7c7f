import type { Command } from 'commander';
import { AppError } from '../../core/errors.js';

/** `train pricing`, `eval pricing` and `forecast`. Heavy modules load inside the actions. */
const intArg = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AppError('invalid_argument', 400, 'Bad request', { detail: `--${name} must be an integer, got ${v}` });
  return n;
};

const print = (json: boolean, doc: unknown, text: () => string): void => {
  process.stdout.write(json ? JSON.stringify(doc) + '\n' : text() + '\n');
};

const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;

export function registerPricingCommands(program: Command, groups: { train: Command; eval: Command }): void {
  groups.train
    .command('pricing')
    .description('train the LSTM price forecaster, export it to ONNX, evaluate it and write its model card')
    .option('--data <path>', 'quote CSV (date,carrier,denomination,price)', 'datasets/quotes.csv')
    .option('--out <dir>', 'model directory', 'models/pricing')
    .option('--seed <n>', 'random seed', intArg('seed'), 42)
    .option('--epochs <n>', 'maximum epochs (early stopping on the calibration period)', intArg('epochs'), 20)
    .option('--no-gate', 'keep the model even when it misses the gate')
    .option('--json', 'machine-readable output')
    .action(async (o: { data: string; out: string; seed: number; epochs: number; gate: boolean; json?: boolean }) => {
      const { trainPricing } = await import('../../../training/pricing/train.js');
      const { terminalProgress } = await import('../../../training/pricing/progress.js');
      const r = await trainPricing({ data: o.data, out: o.out, seed: o.seed, epochs: o.epochs, gate: o.gate, progress: o.json ? undefined : terminalProgress() });
      const m = r.card.metrics;
      print(!!o.json, { modelVersion: r.card.version, promoted: r.promoted, outDir: r.outDir, gate: r.card.gate, trainingSeconds: r.card.training.seconds, epochsRun: r.card.training.epochsRun, metrics: m }, () =>
        [
          `${r.card.version} ${r.promoted ? `written to ${r.outDir}` : 'NOT written'} (${r.card.training.epochsRun} epochs, ${r.card.training.seconds} s)`,
          `one-step MAPE ${pct(m.mape)}, MAE ${m.mae.toFixed(4)} (${(m.maeVsBestBaseline * 100).toFixed(1)}% vs ${m.bestBaseline}), 80% coverage ${pct(m.coverage80)}`,
          `gate: ${r.card.gate.passed ? 'passed' : 'failed: ' + r.card.gate.reasons.join('; ')}`,
        ].join('\n'),
      );
      if (!r.card.gate.passed && o.gate) throw new AppError('model_gate_failed', 422, 'Model missed its gate', { detail: `pricing model missed its gate: ${r.card.gate.reasons.join('; ')}` });
    });

  groups.eval
    .command('pricing')
    .description('one-step-ahead evaluation on the last 20% of every series, against naive, seasonal naive and EWMA')
    .requiredOption('--data <csv>', 'quote CSV (date,carrier,denomination,price)')
    .option('--model <dir>', 'model directory', 'models/pricing')
    .option('--json', 'machine-readable output')
    .action(async (o: { data: string; model: string; json?: boolean }) => {
      const { readQuotesCsv, evaluateForecaster, loadOnnxRunner, readModelCard } = await import('../../pricing/index.js');
      const { join } = await import('node:path');
      const series = readQuotesCsv(o.data);
      const card = readModelCard(o.model);
      const runner = await loadOnnxRunner(join(o.model, card.files.onnx));
      try {
        const r = await evaluateForecaster(series, runner, card.intervals);
        const doc = { ...r, series: series.length, modelVersion: card.version };
        print(!!o.json, doc, () =>
          [
            `${card.version} on ${o.data}: n ${r.n} over ${series.length} series`,
            `model          MAPE ${pct(r.mape)}  MAE ${r.mae.toFixed(4)}  80% coverage ${pct(r.coverage80)}`,
            ...Object.entries(r.baselines).map(([k, v]) => `${k.padEnd(14)} MAPE ${pct(v.mape)}  MAE ${v.mae.toFixed(4)}`),
            `MAE vs best baseline (${r.bestBaseline}): ${(r.maeVsBestBaseline * 100).toFixed(1)}%`,
          ].join('\n'),
        );
      } finally {
        await runner.release();
      }
    });

  program
    .command('forecast')
    .description('forecast the buy-back rate of one card type')
    .requiredOption('--carrier <code>', 'cmcc | cucc | ctcc')
    .requiredOption('--denomination <yuan>', 'face value in yuan', intArg('denomination'))
    .option('--horizon <days>', 'days ahead (1..7)', intArg('horizon'), 7)
    .option('--data <path>', 'quote CSV', 'datasets/quotes.csv')
    .option('--model <dir>', 'model directory', 'models/pricing')
    .option('--json', 'machine-readable output')
    .action(async (o: { carrier: string; denomination: number; horizon: number; data: string; model: string; json?: boolean }) => {
      const { createPricingService, isCarrier, isDenomination } = await import('../../pricing/index.js');
      if (!isCarrier(o.carrier)) throw new AppError('invalid_carrier', 400, 'Bad request', { detail: `unknown carrier ${o.carrier}` });
      if (!isDenomination(o.denomination)) throw new AppError('invalid_denomination', 400, 'Bad request', { detail: `unknown denomination ${o.denomination}` });
      const service = await createPricingService({ modelDir: o.model, dataPath: o.data });
      try {
        const f = await service.forecast({ carrier: o.carrier, denomination: o.denomination, horizon: o.horizon });
        print(!!o.json, f, () =>
          [
            `${f.carrier} ${f.denomination} yuan, last ${f.asOf} at ${f.lastRate.toFixed(4)}; volatility index ${f.volatilityIndex}, heat ${f.heat ?? 'n/a'}; ${f.modelVersion}`,
            ...f.points.map((p) => `${p.date}  ${p.rate.toFixed(4)}  [${p.low.toFixed(4)}, ${p.high.toFixed(4)}]  ≈ ${(p.rate * f.denomination).toFixed(2)} yuan`),
          ].join('\n'),
        );
      } finally {
        await service.close();
      }
    });
}
