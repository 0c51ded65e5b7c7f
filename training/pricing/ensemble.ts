import type { LstmWeights } from './lstm-weights.js';

/**
 * Folds K independently trained LSTMs into one LSTM of K×units with block-diagonal recurrent
 * weights and a dense head that averages the members: exactly the ensemble mean, but still one
 * ONNX LSTM node, so export, serving and the parity test stay as they are.
 */
export function mergeLstms(members: readonly LstmWeights[]): LstmWeights {
  if (members.length === 0) throw new Error('no ensemble members');
  const [first] = members;
  const { window, features, horizon, units: h } = first;
  for (const m of members) {
    if (m.window !== window || m.features !== features || m.horizon !== horizon || m.units !== h) throw new Error('ensemble members differ in shape');
  }
  const k = members.length;
  const H = k * h;
  const kernel = new Array<number>(features * 4 * H).fill(0);
  const recurrentKernel = new Array<number>(H * 4 * H).fill(0);
  const bias = new Array<number>(4 * H).fill(0);
  const denseKernel = new Array<number>(H * horizon).fill(0);
  const denseBias = new Array<number>(horizon).fill(0);
  members.forEach((m, mi) => {
    const off = mi * h; // this member's units inside every gate block
    for (let g = 0; g < 4; g++) {
      for (let u = 0; u < h; u++) {
        const src = g * h + u;
        const dst = g * H + off + u;
        for (let r = 0; r < features; r++) kernel[r * 4 * H + dst] = m.kernel[r * 4 * h + src];
        for (let r = 0; r < h; r++) recurrentKernel[(off + r) * 4 * H + dst] = m.recurrentKernel[r * 4 * h + src];
        bias[dst] = m.bias[src];
      }
    }
    for (let u = 0; u < h; u++) {
      for (let j = 0; j < horizon; j++) denseKernel[(off + u) * horizon + j] = m.denseKernel[u * horizon + j] / k;
    }
    for (let j = 0; j < horizon; j++) denseBias[j] += m.denseBias[j] / k;
  });
  return { window, features, horizon, units: H, kernel, recurrentKernel, bias, denseKernel, denseBias, recurrentActivation: 'sigmoid' };
}
