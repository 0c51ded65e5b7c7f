/**
 * Writes the trained tfjs CNN (model.ts) as an ONNX graph (opset 13) with onnx-proto. The graph takes
 * the same NHWC float input as tfjs and transposes to NCHW itself (then the optional input average-pool); before flattening it transposes back
 * to NHWC so the dense weights keep tfjs' flatten order. Outputs: carrier_logits, denom_logits,
 * corners (sigmoid).
 */
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { writeFileSync } from 'node:fs';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;

function tensor(name: string, dims: number[], values: Float32Array): ITensor {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
}

const ints = (name: string, v: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const int = (name: string, v: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });

function io(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** HWIO (tfjs) → OIHW (ONNX). */
function convWeights(k: tf.Tensor): Float32Array {
  return tf.tidy(() => k.transpose([3, 2, 0, 1]).dataSync() as Float32Array).slice();
}

/** Folds inference-mode batch norm into the preceding conv: W·g/√(v+ε), (b − m)·g/√(v+ε) + β. OIHW weights. */
function foldBatchNorm(bn: tf.layers.Layer, w: Float32Array, bias: Float32Array, co: number): [Float32Array, Float32Array] {
  const [gamma, beta, mean, variance] = bn.getWeights().map((t) => t.dataSync() as Float32Array);
  const eps = (bn.getConfig() as { epsilon: number }).epsilon;
  const per = w.length / co;
  const w2 = new Float32Array(w.length);
  const b2 = new Float32Array(co);
  for (let o = 0; o < co; o++) {
    const s = gamma[o] / Math.sqrt(variance[o] + eps);
    for (let j = 0; j < per; j++) w2[o * per + j] = w[o * per + j] * s;
    b2[o] = (bias[o] - mean[o]) * s + beta[o];
  }
  return [w2, b2];
}

export function exportOnnx(model: tf.LayersModel, path: string, inputHW: [number, number] = [INPUT_SIZE, INPUT_SIZE]): void {
  const withCorners = model.outputs.length === 3;
  const nodes: INode[] = [];
  const inits: ITensor[] = [];
  nodes.push({ opType: 'Transpose', input: ['image'], output: ['x0'], attribute: [ints('perm', [0, 3, 1, 2])] });
  let cur = 'x0';
  const names = model.layers.map((l) => l.name);
  const down = model.layers.find((l) => l.name === 'downsample');
  if (down) {
    const p = (down.getConfig() as { poolSize: number[] }).poolSize;
    nodes.push({ opType: 'AveragePool', input: [cur], output: ['xd'], attribute: [ints('kernel_shape', p), ints('strides', p)] });
    cur = 'xd';
  }
  const convs = names.filter((n) => /^conv\d+$/.test(n)).length;
  Array.from({ length: convs }).forEach((_, i) => {
    const layer = model.getLayer(`conv${i + 1}`);
    const [k, b] = layer.getWeights();
    const [kh, kw, ci, co] = k.shape as [number, number, number, number];
    let w: Float32Array = convWeights(k);
    let bias: Float32Array = Float32Array.from(b.dataSync());
    if (names.includes(`bn${i + 1}`)) [w, bias] = foldBatchNorm(model.getLayer(`bn${i + 1}`), w, bias, co);
    inits.push(tensor(`conv${i + 1}_w`, [co, ci, kh, kw], w));
    inits.push(tensor(`conv${i + 1}_b`, [co], bias));
    nodes.push({ opType: 'Conv', input: [cur, `conv${i + 1}_w`, `conv${i + 1}_b`], output: [`c${i}`],
      attribute: [ints('kernel_shape', [kh, kw]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1])] });
    nodes.push({ opType: 'Relu', input: [`c${i}`], output: [`r${i}`] });
    cur = `r${i}`;
    if (!names.includes(`pool${i + 1}`)) return; // the last stage of a global-max-pool head
    nodes.push({ opType: 'MaxPool', input: [cur], output: [`p${i}`], attribute: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])] });
    cur = `p${i}`;
  });
  if (names.includes('gmp')) {
    nodes.push({ opType: 'GlobalMaxPool', input: [cur], output: ['gmp'] });
    nodes.push({ opType: 'Flatten', input: ['gmp'], output: ['flat'], attribute: [int('axis', 1)] });
  } else {
    nodes.push({ opType: 'Transpose', input: [cur], output: ['nhwc'], attribute: [ints('perm', [0, 2, 3, 1])] });
    nodes.push({ opType: 'Flatten', input: ['nhwc'], output: ['flat'], attribute: [int('axis', 1)] });
  }
  const dense = (layerName: string, input: string, output: string) => {
    const [w, b] = model.getLayer(layerName).getWeights();
    inits.push(tensor(`${layerName}_w`, w.shape, w.dataSync() as Float32Array));
    inits.push(tensor(`${layerName}_b`, b.shape, b.dataSync() as Float32Array));
    nodes.push({ opType: 'Gemm', input: [input, `${layerName}_w`, `${layerName}_b`], output: [output] });
  };
  dense('fc', 'flat', 'fc_out');
  nodes.push({ opType: 'Relu', input: ['fc_out'], output: ['hidden'] });
  dense('carrier', 'hidden', 'carrier_logits');
  dense('denom', 'hidden', 'denom_logits');
  if (withCorners) {
    dense('corners', 'hidden', 'corners_pre');
    nodes.push({ opType: 'Sigmoid', input: ['corners_pre'], output: ['corners'] });
  }
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'card_cnn', node: nodes, initializer: inits,
    input: [io('image', ['batch', inputHW[0], inputHW[1], 3])],
    output: [io('carrier_logits', ['batch', 3]), io('denom_logits', ['batch', 8]), ...(withCorners ? [io('corners', ['batch', 8])] : [])],
  };
  const m = onnx.ModelProto.create({ irVersion: 7, producerName: 'cardrecycle-training', opsetImport: [{ domain: '', version: 13 }], graph });
  writeFileSync(path, onnx.ModelProto.encode(m).finish());
}

/** Max |tfjs − onnxruntime| over every output for the given NHWC batch (the export's parity check). */
export async function onnxParity(model: tf.LayersModel, path: string, batch: Float32Array, n: number, hw: [number, number]): Promise<number> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(path);
  try {
    const outs = tf.tidy(() => (model.predict(tf.tensor4d(batch, [n, hw[0], hw[1], 3])) as tf.Tensor[]).map((t) => t.dataSync().slice()));
    const res = await session.run({ image: new ort.Tensor('float32', batch, [n, hw[0], hw[1], 3]) });
    const names = ['carrier_logits', 'denom_logits', 'corners'];
    let max = 0;
    outs.forEach((a, k) => {
      const b = res[names[k]].data as Float32Array;
      if (b.length !== a.length) throw new Error(`ONNX output ${names[k]} has ${b.length} values, tfjs ${a.length}`);
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    });
    return max;
  } finally {
    await session.release();
  }
}
