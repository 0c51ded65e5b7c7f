/**
 * The CNNs: an optional input average-pool, stride-1 3×3 conv + 2×2 max-pool stages (stride-1 so
 * the wasm gradient kernels are exact), a shared dense layer and heads: carrier (3), face value (8)
 * and, for stage 1, the card's four corners (8 numbers in [0, 1]). Two class heads instead of 24
 * classes share evidence: "100" looks the same on every carrier's card.
 */
import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

export interface ModelShape {
  height: number;
  width: number;
  corners: boolean;
  name: string;
  filters: readonly number[];
  dense: number;
  /** Average-pool the input by this factor first (stage 1 only needs a coarse look for corners and colour). */
  inputPool?: number;
  /** Batch normalisation after each conv (folded into the conv on export); slow to train on wasm. */
  batchNorm?: boolean;
  /**
   * 'gmp': the last conv stage is max-pooled over the whole image instead of flattened — "is a big 500
   * anywhere on the card", whatever the layout puts it; learns the face value in far fewer steps.
   */
  head?: 'flatten' | 'gmp';
}

/** Stage 1: the 96×96 letterbox, pooled to 48×48 — corners and carrier colour survive, cost drops 4×. */
export const STAGE1: ModelShape = { height: INPUT_SIZE, width: INPUT_SIZE, corners: true, name: 'card_cnn', filters: [16, 32, 48, 64], dense: 96, inputPool: 2 };

/** Conv layer names in order (the ONNX export walks the same list). */
export const convNames = (shape: Pick<ModelShape, 'filters'>): string[] => shape.filters.map((_, i) => `conv${i + 1}`);

export function buildModel(seed: number, shape: ModelShape): tf.LayersModel {
  const input = tf.input({ shape: [shape.height, shape.width, 3], name: 'image' });
  let h: tf.SymbolicTensor = input;
  if (shape.inputPool && shape.inputPool > 1) {
    h = tf.layers.averagePooling2d({ poolSize: shape.inputPool, strides: shape.inputPool, name: 'downsample' }).apply(h) as tf.SymbolicTensor;
  }
  const last = shape.filters.length - 1;
  shape.filters.forEach((filters, i) => {
    h = tf.layers.conv2d({ filters, kernelSize: 3, strides: 1, padding: 'same', activation: shape.batchNorm ? 'linear' : 'relu', name: `conv${i + 1}`,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(h) as tf.SymbolicTensor;
    if (shape.batchNorm) {
      h = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3, name: `bn${i + 1}` }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.activation({ activation: 'relu', name: `relu${i + 1}` }).apply(h) as tf.SymbolicTensor;
    }
    if (i === last && shape.head === 'gmp') return;
    h = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  h = shape.head === 'gmp'
    ? tf.layers.globalMaxPooling2d({ name: 'gmp' }).apply(h) as tf.SymbolicTensor
    : tf.layers.flatten({ name: 'flatten' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: shape.dense, activation: 'relu', name: 'fc', kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 }) }).apply(h) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.3, name: 'drop', seed }).apply(h) as tf.SymbolicTensor;
  const carrier = tf.layers.dense({ units: 3, name: 'carrier', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 11 }) }).apply(drop) as tf.SymbolicTensor;
  const denom = tf.layers.dense({ units: 8, name: 'denom', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 12 }) }).apply(drop) as tf.SymbolicTensor;
  if (!shape.corners) return tf.model({ inputs: input, outputs: [carrier, denom], name: shape.name });
  const corners = tf.layers.dense({ units: 8, activation: 'sigmoid', name: 'corners', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 13 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [carrier, denom, corners], name: shape.name });
}
