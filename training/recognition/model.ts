/**
 * The CNN: four stride-1 3×3 conv + 2×2 max-pool stages (stride-1 so the wasm gradient kernel is
 * exact), a shared dense layer and three heads: carrier (3), face value (8) and the card's four
 * corners (8 numbers in [0, 1], used to rectify the card for OCR). Two class heads instead of 24
 * classes share evidence: "100" looks the same on every carrier's card.
 */
import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

export const CONV_FILTERS = [8, 16, 32, 64] as const;
export const DENSE_UNITS = 128;

export interface ModelShape { height: number; width: number; corners: boolean; name: string }
export const STAGE1: ModelShape = { height: INPUT_SIZE, width: INPUT_SIZE, corners: true, name: 'card_cnn' };

export function buildModel(seed = 1, shape: ModelShape = STAGE1): tf.LayersModel {
  const input = tf.input({ shape: [shape.height, shape.width, 3], name: 'image' });
  let h: tf.SymbolicTensor = input;
  CONV_FILTERS.forEach((filters, i) => {
    h = tf.layers.conv2d({ filters, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', name: `conv${i + 1}`,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  h = tf.layers.flatten({ name: 'flatten' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: DENSE_UNITS, activation: 'relu', name: 'fc', kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 }) }).apply(h) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.3, name: 'drop', seed }).apply(h) as tf.SymbolicTensor;
  const carrier = tf.layers.dense({ units: 3, name: 'carrier', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 11 }) }).apply(drop) as tf.SymbolicTensor;
  const denom = tf.layers.dense({ units: 8, name: 'denom', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 12 }) }).apply(drop) as tf.SymbolicTensor;
  if (!shape.corners) return tf.model({ inputs: input, outputs: [carrier, denom], name: shape.name });
  const corners = tf.layers.dense({ units: 8, activation: 'sigmoid', name: 'corners', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 13 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [carrier, denom, corners], name: shape.name });
}
