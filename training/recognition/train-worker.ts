/**
 * Child process that trains one stage (stage 1 and stage 2 are independent: stage 2 learns from
 * crops along jittered *true* corners), so `train recognition` trains both at once on two cores.
 * Receives the dataset over IPC, saves the tfjs model into `outDir`, answers with the loop stats.
 */
import { initTf } from './tf-setup.js';
import { saveTfjsModel } from './tfjs-io.js';
import { trainCnn } from './train-cnn.js';
import { trainStage2 } from './train-stage2.js';
import type { TensorDataset } from './tensor-dataset.js';
import type { SyntheticPatches } from './value-patch-synth.js';

export interface TrainJob { stage: 'stage1' | 'stage2'; train: TensorDataset; epochs: number; seed: number; maxSeconds: number; outDir: string; synthetic?: SyntheticPatches }

process.on('message', (job: TrainJob) => {
  void (async () => {
    try {
      await initTf('wasm');
      const log = (m: string) => process.send!({ log: m });
      const onStep = (step: number, steps: number) => { if (step % 10 === 0) process.send!({ step, steps }); };
      const o = { train: job.train, epochs: job.epochs, seed: job.seed, maxSeconds: job.maxSeconds, log, onStep };
      const r = job.stage === 'stage1' ? await trainCnn(o) : await trainStage2({ ...o, synthetic: job.synthetic });
      await saveTfjsModel(r.model, job.outDir);
      process.send!({ result: { steps: r.steps, epochs: r.epochsRun, seconds: r.seconds, lastLoss: r.lastLoss } }, () => process.exit(0));
    } catch (e) {
      process.send!({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.exit(1));
    }
  })();
});
