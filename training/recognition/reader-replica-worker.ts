/**
 * A replica of a reader in training (reader-replicas.ts): builds the network once, then for each
 * shard it is sent takes the weights given, computes the shard's gradient and sends it back.
 */
import * as tf from '@tensorflow/tfjs';
import { initTf } from './tf-setup.js';
import { initWeights, shardGradients, trainableVariables, type Line, type Weights } from './train-line-reader.js';
import type { ReplicaReply, ReplicaStep } from './reader-replicas.js';

let reader: { wt: Weights; vars: tf.Variable[]; height: number } | undefined;

const reply = (r: ReplicaReply) => process.send!(r);

process.on('message', (m: { init?: { height: number }; step?: ReplicaStep }) => {
  void (async () => {
    try {
      if (m.init) {
        await initTf('wasm');
        // The starting weights do not matter: every step brings the trainer's.
        const wt = initWeights(m.init.height, 0);
        reader = { wt, vars: trainableVariables(wt), height: m.init.height };
        reply({ ready: true });
        return;
      }
      if (!m.step || !reader) throw new Error('a step before the replica was set up');
      const { wt, vars, height } = reader;
      const s = m.step;
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(s.weights[i], v.shape))));
      const lines = s.lines.map((l) => ({ ...l, field: 'serial', photo: 0 }) as Line);
      const r = shardGradients(wt, lines, s.augs, height, s.batchSize);
      const grads = r.grads.map((g) => Float32Array.from(g.dataSync() as Float32Array));
      tf.dispose(r.grads);
      reply({ grads, loss: r.loss, used: r.used, stats: r.stats });
    } catch (e) {
      reply({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  })();
});
// The trainer has gone: nothing more will come.
process.on('disconnect', () => process.exit(0));
