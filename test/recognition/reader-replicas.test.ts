import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../../training/recognition/tf-setup.js';
import { startReplicas } from '../../training/recognition/reader-replicas.js';
import { initWeights, shardGradients, trainableVariables, trainLineReader, type Line } from '../../training/recognition/train-line-reader.js';
import { Rng } from '../../training/recognition/rng.js';

const H = 32;

/** Lines of random grey "ink" with short labels: enough to give every variable a gradient. */
function lines(n: number, seed: number): Line[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const width = 48 + 8 * rng.int(0, 6);
    const data = Uint8Array.from({ length: H * width }, () => rng.int(0, 255));
    return { data, width, label: [i % 10, (i + 3) % 10, (i + 7) % 10], field: 'serial', photo: i };
  });
}

const noAug = (n: number) => Array.from({ length: n }, () => ({ stretch: 1, contrast: 1, shift: 0 }));

describe('reader replicas (data-parallel reader training)', () => {
  it('compute in their own processes the gradient the trainer computes for the same shard and weights', async () => {
    await initTf('wasm');
    const wt = initWeights(H, 5);
    const vars = trainableVariables(wt);
    const batch = lines(6, 1);
    const shards = [{ lines: batch.slice(0, 3), augs: noAug(3) }, { lines: batch.slice(3), augs: noAug(3) }];
    const pool = await startReplicas(2, H);
    try {
      const remote = await pool.step(vars, shards, batch.length);
      shards.forEach((s, i) => {
        const local = shardGradients(wt, s.lines, s.augs, H, batch.length);
        expect(remote[i].loss).toBeCloseTo(local.loss, 3);
        expect(remote[i].used).toBe(3);
        local.grads.forEach((g, k) => {
          const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g, remote[i].grads[k]))).dataSync()[0]);
          const scale = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]);
          expect(scale).toBeGreaterThan(0);
          expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
        });
        tf.dispose([...local.grads, ...remote[i].grads]);
      });
    } finally {
      pool.close();
    }
  }, 60_000);

  it('train a reader whose loss falls, as one process does', async () => {
    const train = lines(16, 2);
    const losses: number[] = [];
    await trainLineReader({ train, val: train.slice(0, 2), height: H, seed: 3, epochs: 4, batch: 8, lr: 0.01, replicas: 2, log: (_, loss) => losses.push(loss) });
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0]);
  }, 120_000);
});
