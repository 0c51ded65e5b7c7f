import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS: take the namespace off the default export.
const { onnx } = onnxProto;
import type { LstmWeights } from './lstm-weights.js';

/**
 * Writes the trained LSTM as an ONNX graph:
 *   window [N, T, F] → Transpose → LSTM → Y_h [1, N, H] → Reshape [N, H] → MatMul + Add → forecast [N, HORIZON].
 * Keras stores gates as (i, f, c, o) in [in, 4H] kernels; ONNX wants (i, o, f, c) in [4H, in] and
 * a separate recurrent bias (zero here, Keras has one bias).
 */
const KERAS_TO_ONNX_GATES = [0, 3, 1, 2]; // onnx gate g takes keras gate KERAS_TO_ONNX_GATES[g]
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function reorderTransposed(kernel: number[], rows: number, units: number): number[] {
  // kernel is [rows, 4*units] row-major; output is [4*units, rows] with ONNX gate order.
  const out = new Array<number>(4 * units * rows);
  for (let g = 0; g < 4; g++) {
    const kg = KERAS_TO_ONNX_GATES[g];
    for (let u = 0; u < units; u++) {
      for (let r = 0; r < rows; r++) out[(g * units + u) * rows + r] = kernel[r * 4 * units + kg * units + u];
    }
  }
  return out;
}

function reorderBias(bias: number[], units: number): number[] {
  const out = new Array<number>(8 * units).fill(0);
  for (let g = 0; g < 4; g++) {
    const kg = KERAS_TO_ONNX_GATES[g];
    for (let u = 0; u < units; u++) out[g * units + u] = bias[kg * units + u];
  }
  return out;
}

const floatTensor = (name: string, dims: number[], values: number[]): OnnxTypes.ITensorProto => ({
  name,
  dataType: FLOAT,
  dims,
  rawData: new Uint8Array(new Float32Array(values).buffer),
});

const ints = (name: string, values: number[]): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number): OnnxTypes.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

const valueInfo = (name: string, dims: Array<number | string>): OnnxTypes.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

export function lstmToOnnx(w: LstmWeights, docString: string): Uint8Array {
  const H = w.units;
  const graph: OnnxTypes.IGraphProto = {
    name: 'pricing_lstm',
    input: [valueInfo('window', ['N', w.window, w.features])],
    output: [valueInfo('forecast', ['N', w.horizon])],
    initializer: [
      floatTensor('W', [1, 4 * H, w.features], reorderTransposed(w.kernel, w.features, H)),
      floatTensor('R', [1, 4 * H, H], reorderTransposed(w.recurrentKernel, H, H)),
      floatTensor('B', [1, 8 * H], reorderBias(w.bias, H)),
      floatTensor('dense_W', [H, w.horizon], w.denseKernel),
      floatTensor('dense_b', [w.horizon], w.denseBias),
      { name: 'hidden_shape', dataType: INT64, dims: [2], int64Data: [-1, H] },
    ],
    node: [
      { opType: 'Transpose', input: ['window'], output: ['x_tnf'], attribute: [ints('perm', [1, 0, 2])], name: 'to_time_major' },
      { opType: 'LSTM', input: ['x_tnf', 'W', 'R', 'B'], output: ['', 'y_h'], attribute: [int('hidden_size', H)], name: 'lstm' },
      { opType: 'Reshape', input: ['y_h', 'hidden_shape'], output: ['h'], name: 'flatten' },
      { opType: 'MatMul', input: ['h', 'dense_W'], output: ['hw'], name: 'dense_matmul' },
      { opType: 'Add', input: ['hw', 'dense_b'], output: ['forecast'], name: 'dense_bias' },
    ],
  };
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'cardrecycle-training',
    producerVersion: '1',
    docString,
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
