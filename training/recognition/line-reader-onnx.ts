/**
 * Writes the trained line reader (train-line-reader.ts) as an ONNX graph (opset 13) for
 * onnxruntime-node: NHWC patches of any width in, NCHW convolutions, then the columns' features
 * in tfjs' order (row-major over pooled rows, then channels), the sequence convolution and the
 * per-column class logits out.
 */
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { readFileSync, writeFileSync } from 'node:fs';
import { initTf } from './tf-setup.js';
import { BN_EPSILON, CLASSES, CONV_STAGES, forward, SEQ_CONTEXT, type ConvStage, type Weights } from './train-line-reader.js';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;

const ints = (name: string, v: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const floatTensor = (name: string, dims: number[], v: Float32Array): ITensor =>
  ({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) });
const int64Tensor = (name: string, v: number[]): ITensor => ({ name, dims: [v.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: v });
const io = (name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto =>
  ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } });

const values = (t: tf.Tensor, perm?: number[]) => tf.tidy(() => (perm ? t.transpose(perm) : t).dataSync() as Float32Array).slice();

/** The stage's batch normalisation folded into its convolution: W·g/√(v+ε), −m·g/√(v+ε) + β; OIHW weights. */
function foldBatchNorm(s: ConvStage): { w: Float32Array; b: Float32Array } {
  const w = values(s.w, [3, 2, 0, 1]);
  const gamma = values(s.gamma); const beta = values(s.beta);
  const co = gamma.length; const per = w.length / co;
  const b = new Float32Array(co);
  for (let o = 0; o < co; o++) {
    const k = gamma[o] / Math.sqrt(s.variance[o] + BN_EPSILON);
    for (let j = 0; j < per; j++) w[o * per + j] *= k;
    b[o] = beta[o] - s.mean[o] * k;
  }
  return { w, b };
}

export function exportLineReaderOnnx(wt: Weights, height: number, path: string): void {
  const nodes: INode[] = []; const inits: ITensor[] = [];
  nodes.push({ opType: 'Transpose', input: ['patch'], output: ['x0'], attribute: [ints('perm', [0, 3, 1, 2])] });
  let cur = 'x0';
  wt.convs.forEach((stage, i) => {
    const [kh, kw, ci, co] = stage.w.shape;
    const { w, b } = foldBatchNorm(stage);
    inits.push(floatTensor(`conv${i}_w`, [co, ci, kh, kw], w), floatTensor(`conv${i}_b`, [co], b));
    nodes.push({ opType: 'Conv', input: [cur, `conv${i}_w`, `conv${i}_b`], output: [`c${i}`], attribute: [ints('kernel_shape', [kh, kw]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1])] });
    nodes.push({ opType: 'Relu', input: [`c${i}`], output: [`r${i}`] });
    nodes.push({ opType: 'MaxPool', input: [`r${i}`], output: [`p${i}`], attribute: [ints('kernel_shape', CONV_STAGES[i].pool), ints('strides', CONV_STAGES[i].pool)] });
    cur = `p${i}`;
  });
  // [B, C, R, T] → [B, T, R, C] → [B, T, R·C]: tfjs' reshape order; then [B, R·C, T] for the 1-D convolution.
  inits.push(int64Tensor('seq_shape', [0, 0, -1]));
  nodes.push({ opType: 'Transpose', input: [cur], output: ['btrc'], attribute: [ints('perm', [0, 3, 2, 1])] });
  nodes.push({ opType: 'Reshape', input: ['btrc', 'seq_shape'], output: ['btf'] });
  nodes.push({ opType: 'Transpose', input: ['btf'], output: ['bft'], attribute: [ints('perm', [0, 2, 1])] });
  const [kw, feat, units] = wt.seq.w.shape;
  inits.push(floatTensor('seq_w', [units, feat, kw], values(wt.seq.w, [2, 1, 0])), floatTensor('seq_b', [units], values(wt.seq.b)));
  nodes.push({ opType: 'Conv', input: ['bft', 'seq_w', 'seq_b'], output: ['sc'], attribute: [ints('kernel_shape', [kw]), ints('pads', [SEQ_CONTEXT, SEQ_CONTEXT]), ints('strides', [1])] });
  nodes.push({ opType: 'Relu', input: ['sc'], output: ['sr'] });
  nodes.push({ opType: 'Transpose', input: ['sr'], output: ['btu'], attribute: [ints('perm', [0, 2, 1])] });
  inits.push(floatTensor('out_w', wt.out.w.shape, values(wt.out.w)), floatTensor('out_b', wt.out.b.shape, values(wt.out.b)));
  nodes.push({ opType: 'MatMul', input: ['btu', 'out_w'], output: ['mm'] });
  nodes.push({ opType: 'Add', input: ['mm', 'out_b'], output: ['logits'] });
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'line_reader', node: nodes, initializer: inits,
    input: [io('patch', ['batch', height, 'width', 1])], output: [io('logits', ['batch', 'columns', CLASSES])],
  };
  const m = onnx.ModelProto.create({ irVersion: 7, producerName: 'cardrecycle-training', opsetImport: [{ domain: '', version: 13 }], graph });
  writeFileSync(path, onnx.ModelProto.encode(m).finish());
}

/** Max |tfjs − onnxruntime| of the logits for a batch of `n` patches `width` wide (the export's parity check). */
export async function lineReaderParity(wt: Weights, path: string, batch: Float32Array, n: number, height: number, width: number): Promise<number> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(path);
  try {
    const a = tf.tidy(() => forward(wt, tf.tensor4d(batch, [n, height, width, 1])).dataSync() as Float32Array).slice();
    const res = await session.run({ patch: new ort.Tensor('float32', batch, [n, height, width, 1]) });
    const b = res.logits.data as Float32Array;
    if (a.length !== b.length) throw new Error(`ONNX gives ${b.length} logits, tfjs ${a.length}`);
    return a.reduce((m: number, v: number, i: number) => Math.max(m, Math.abs(v - b[i])), 0);
  } finally {
    await session.release();
  }
}

/**
 * A reader's weights back from its ONNX file (the export's inverse): each convolution keeps its
 * folded weights and bias, its batch normalisation the identity (scale 1, shift the bias, running
 * mean 0 and variance 1 − ε), so it reads as the file does. For training another reader from it.
 */
export async function loadLineReaderWeights(path: string): Promise<Weights> {
  await initTf('wasm');
  const m = onnx.ModelProto.decode(readFileSync(path));
  const init = new Map(m.graph!.initializer!.map((t) => {
    const raw = t.rawData!;
    return [t.name!, { dims: t.dims!.map(Number), data: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) }];
  }));
  const get = (name: string) => { const t = init.get(name); if (!t) throw new Error(`${path}: no ${name}`); return t; };
  const convs = CONV_STAGES.map((_, i) => {
    const w = get(`conv${i}_w`); const b = get(`conv${i}_b`);
    const co = w.dims[0];
    return {
      w: tf.variable(tf.tensor(w.data, w.dims).transpose([2, 3, 1, 0])), gamma: tf.variable(tf.ones([co])), beta: tf.variable(tf.tensor1d(b.data)),
      mean: new Float32Array(co), variance: new Float32Array(co).fill(1 - BN_EPSILON),
    };
  });
  const seqW = get('seq_w'); const outW = get('out_w');
  return {
    convs,
    seq: { w: tf.variable(tf.tensor(seqW.data, seqW.dims).transpose([2, 1, 0])), b: tf.variable(tf.tensor1d(get('seq_b').data)) },
    out: { w: tf.variable(tf.tensor(outW.data, outW.dims)), b: tf.variable(tf.tensor1d(get('out_b').data)) },
  };
}
