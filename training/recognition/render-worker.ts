/**
 * Child process of render-pool.ts: renders one contiguous range of a job and sends it back over IPC
 * (advanced serialization, so typed arrays travel as bytes).
 */
import { buildTensorDataset, type BuildOptions } from './tensor-dataset.js';
import { renderEvalRows, type EvalSetOptions } from './eval-set.js';
import { renderValuePatches, type PatchJob } from './value-patch-synth.js';
import { harvestRange, type LineJob } from './harvest-lines.js';

export type RenderJob =
  | { kind: 'tensors'; options: BuildOptions }
  | { kind: 'photos'; options: EvalSetOptions; from: number; to: number }
  | { kind: 'patches'; options: PatchJob }
  | { kind: 'lines'; options: LineJob; from: number; to: number };

process.on('message', (job: RenderJob) => {
  void (async () => {
    try {
      const tick = () => process.send!({ progress: 1 });
      const result = job.kind === 'tensors' ? await buildTensorDataset(job.options, tick)
        : job.kind === 'patches' ? await renderValuePatches(job.options.seed, job.options.start, job.options.count, job.options.shape, () => tick())
          : job.kind === 'lines' ? await harvestRange(job.options, job.from, job.to, tick)
            : await renderEvalRows(job.options, job.from, job.to, tick);
      process.send!({ result }, () => process.exit(0));
    } catch (e) {
      process.send!({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.exit(1));
    }
  })();
});
