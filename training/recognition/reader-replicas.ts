/**
 * Data-parallel training for the line and value readers (train-line-reader.ts). tfjs's wasm backend
 * runs one thread under Node, so a reader trained in one process uses one core. Here each batch is
 * cut into shards, one per replica process (reader-replica-worker.ts) on a core of its own: each
 * gets the current weights with its shard and sends back its shard's gradient, and the trainer adds
 * them up and takes the optimiser's step, so the replicas never drift apart.
 */
import * as tf from '@tensorflow/tfjs';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkTs } from './child-process.js';
import type { Aug, BatchStats, Line, ShardGradients } from './train-line-reader.js';

const WORKER = fileURLToPath(new URL('./reader-replica-worker.ts', import.meta.url));

export interface ReplicaShard { lines: Line[]; augs: Aug[] }
/** What a replica is sent: the lines with their pixels copied (a view would carry the whole harvest's buffer). */
export interface ReplicaStep { weights: Float32Array[]; lines: Array<Pick<Line, 'data' | 'width' | 'label'>>; augs: Aug[]; batchSize: number }
export interface ReplicaReply { ready?: boolean; grads?: Float32Array[]; loss?: number; used?: number; stats?: BatchStats; error?: string }

export interface ReaderReplicas {
  /** The shards' gradients (as tensors shaped like `vars`), losses and batch statistics, in shard order. */
  step(vars: tf.Variable[], shards: ReplicaShard[], batchSize: number): Promise<ShardGradients[]>;
  close(): void;
}

/** One replica process: messages answered in order, one at a time. */
function replica(): { ask(m: object): Promise<ReplicaReply>; child: ChildProcess } {
  const child = forkTs(WORKER);
  let pending: { resolve: (r: ReplicaReply) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  const fail = (e: Error) => { failure ??= e; pending?.reject(e); pending = undefined; };
  child.on('message', (r: ReplicaReply) => {
    const p = pending; pending = undefined;
    if (r.error) p?.reject(new Error(`reader replica: ${r.error}`)); else p?.resolve(r);
  });
  child.on('exit', (code) => fail(new Error(`reader replica exited with code ${code}`)));
  child.on('error', (e) => fail(e));
  const ask = (m: object) => new Promise<ReplicaReply>((resolve, reject) => {
    if (failure) { reject(failure); return; }
    pending = { resolve, reject };
    child.send(m);
  });
  return { ask, child };
}

/** `count` replica processes, each with the reader's network built and tfjs ready. */
export async function startReplicas(count: number, height: number): Promise<ReaderReplicas> {
  const replicas = Array.from({ length: count }, () => replica());
  const closeAll = () => { for (const r of replicas) if (r.child.connected) r.child.disconnect(); };
  try {
    await Promise.all(replicas.map((r) => r.ask({ init: { height } })));
  } catch (e) {
    closeAll();
    throw e;
  }
  return {
    async step(vars, shards, batchSize) {
      const weights = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
      const replies = await Promise.all(shards.map((s, i) => replicas[i].ask({
        step: { weights, batchSize, augs: s.augs, lines: s.lines.map((l) => ({ data: l.data.slice(), width: l.width, label: l.label })) } satisfies ReplicaStep,
      })));
      return replies.map((r) => ({ grads: r.grads!.map((g, k) => tf.tensor(g, vars[k].shape)), loss: r.loss!, used: r.used!, stats: r.stats! }));
    },
    close: closeAll,
  };
}
