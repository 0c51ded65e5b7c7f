/**
 * Writes the trained tfjs CNN as an ONNX graph (opset 13) with onnx-proto. The graph takes the
 * same NHWC float input as tfjs and transposes to NCHW itself; before flattening it transposes back
 * to NHWC so the dense weights keep tfjs' flatten order. Outputs: carrier_logits, denom_logits,
 * corners (sigmoid).
 */
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { writeFileSync } from 'node:fs';
import { CONV_FILTERS } from './model.js';
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

export function exportOnnx(model: tf.LayersModel, path: string, inputHW: [number, number] = [INPUT_SIZE, INPUT_SIZE]): void {
  const withCorners = model.outputs.length === 3;
  const nodes: INode[] = [];
  const inits: ITensor[] = [];
  nodes.push({ opType: 'Transpose', input: ['image'], output: ['x0'], attribute: [ints('perm', [0, 3, 1, 2])] });
  let cur = 'x0';
  CONV_FILTERS.forEach((_, i) => {
    const layer = model.getLayer(`conv${i + 1}`);
    const [k, b] = layer.getWeights();
    const [kh, kw, ci, co] = k.shape as [number, number, number, number];
    inits.push(tensor(`conv${i + 1}_w`, [co, ci, kh, kw], convWeights(k)));
    inits.push(tensor(`conv${i + 1}_b`, [b.shape[0]], b.dataSync() as Float32Array));
    nodes.push({ opType: 'Conv', input: [cur, `conv${i + 1}_w`, `conv${i + 1}_b`], output: [`c${i}`],
      attribute: [ints('kernel_shape', [kh, kw]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1])] });
    nodes.push({ opType: 'Relu', input: [`c${i}`], output: [`r${i}`] });
    nodes.push({ opType: 'MaxPool', input: [`r${i}`], output: [`p${i}`], attribute: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])] });
    cur = `p${i}`;
  });
  nodes.push({ opType: 'Transpose', input: [cur], output: ['nhwc'], attribute: [ints('perm', [0, 2, 3, 1])] });
  nodes.push({ opType: 'Flatten', input: ['nhwc'], output: ['flat'], attribute: [int('axis', 1)] });
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
