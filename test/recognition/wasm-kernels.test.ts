import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../../training/recognition/tf-setup.js';
import { installFastWasmGrads } from '../../training/recognition/wasm-fast-grads.js';
import { Rng } from '../../training/recognition/rng.js';

/** Gradients of conv → relu → maxpool → weighted sum, wrt both the input and the filter. */
async function grads(backend: 'wasm' | 'cpu', x: number[][][][], w: number[][][][], pool: boolean) {
  await tf.setBackend(backend);
  const xt = tf.tensor4d(x);
  const wt = tf.tensor4d(w);
  const f = (...args: tf.Tensor[]) => {
    const [xx, ww] = args as [tf.Tensor4D, tf.Tensor4D];
    let y: tf.Tensor4D = tf.relu(tf.conv2d(xx, ww, 1, 'same'));
    if (pool) y = tf.maxPool(y, 2, 2, 'valid');
    return y.mul(tf.linspace(-1, 1, y.size).reshape(y.shape)).sum() as tf.Scalar;
  };
  const [gx, gw] = tf.grads(f)([xt, wt]);
  return { gx: Array.from(await gx.data()), gw: Array.from(await gw.data()) };
}

const maxAbsDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const scale = (a: number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6);

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await initTf('wasm', false); // Conv3D-based filter gradient only
  });

  const rng = new Rng(7);
  const arr = (shape: number[], sd: number): number[][][][] => {
    const make = (dims: number[]): unknown => (dims.length === 0 ? rng.gauss() * sd : Array.from({ length: dims[0] }, () => make(dims.slice(1))));
    return make(shape) as number[][][][];
  };
  const x = arr([2, 10, 12, 3], 1);
  const w = arr([3, 3, 3, 5], 0.5);

  it('Conv2DBackpropFilter mapped to Conv3DBackpropFilterV2 matches the CPU backend', async () => {
    const cpu = await grads('cpu', x, w, false);
    const wasm = await grads('wasm', x, w, false);
    expect(maxAbsDiff(wasm.gw, cpu.gw) / scale(cpu.gw)).toBeLessThan(1e-4);
    expect(maxAbsDiff(wasm.gx, cpu.gx) / scale(cpu.gx)).toBeLessThan(1e-4);
  });

  it('the XNNPACK-backed filter, input and max-pool gradients match the CPU backend', async () => {
    installFastWasmGrads();
    await tf.setBackend('wasm');
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBeDefined();
    const cpu = await grads('cpu', x, w, true);
    const wasm = await grads('wasm', x, w, true);
    expect(maxAbsDiff(wasm.gw, cpu.gw) / scale(cpu.gw)).toBeLessThan(1e-4);
    expect(maxAbsDiff(wasm.gx, cpu.gx) / scale(cpu.gx)).toBeLessThan(1e-4);
  });

  it('refuses stride 2 instead of returning wrong gradients', async () => {
    await tf.setBackend('wasm');
    const xt = tf.tensor4d(x);
    const f = (ww: tf.Tensor) => tf.conv2d(xt, ww as tf.Tensor4D, 2, 'same').sum() as tf.Scalar;
    // The fast kernel falls back to the stock path, which is the Conv3D mapping: stride 1 only.
    expect(() => tf.grad(f)(tf.tensor4d(w))).toThrow(/stride 1/);
  });
});
