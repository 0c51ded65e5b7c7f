/** Runs train-worker.ts jobs in child processes (one per stage) and collects their stats. */
import { forkTs } from './child-process.js';
import { fileURLToPath } from 'node:url';
import type { TrainJob } from './train-worker.js';

const WORKER = fileURLToPath(new URL('./train-worker.ts', import.meta.url));

export interface StageStats { steps: number; epochs: number; seconds: number; lastLoss: number }

export function trainInChild(job: TrainJob, log: (m: string) => void, onStep?: (step: number, steps: number) => void): Promise<StageStats> {
  return new Promise((resolve, reject) => {
    const child = forkTs(WORKER);
    let done = false;
    child.on('message', (m: { log?: string; step?: number; steps?: number; result?: StageStats; error?: string }) => {
      if (m.log) log(m.log);
      else if (m.step !== undefined) onStep?.(m.step, m.steps ?? 0);
      else if (m.error) { done = true; reject(new Error(`${job.stage} training: ${m.error}`)); }
      else if (m.result) { done = true; resolve(m.result); }
    });
    child.on('exit', (code) => { if (!done) reject(new Error(`${job.stage} training exited with code ${code}`)); });
    child.send(job);
  });
}
