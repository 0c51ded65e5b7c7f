/**
 * Faster training kernels for the tfjs wasm backend. Its stock Conv2DBackpropInput and MaxPoolGrad
 * (and the Conv3D-based filter gradient) are naive loops: ~15 s per batch of 32 96×96 images here.
 * These replacements route the heavy part through XNNPACK (BatchMatMul / Conv2D) and do the cheap
 * reshuffles in JS, for the only configurations the model uses (3×3 'same' stride 1, 2×2/2 pooling).
 * Anything else falls back to the stock kernel. Gradients are checked against the CPU backend in
 * test/recognition/wasm-kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs';

interface WasmBackend {
  readSync(dataId: object): Float32Array;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
  disposeData(dataId: object): boolean;
}

type Attrs = Record<string, unknown>;
const pair = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : (v as [number, number]));

function replace(kernelName: string, make: (stock: KernelFunc | undefined) => KernelFunc): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock) tf.unregisterKernel(kernelName, 'wasm');
  const config: KernelConfig = { kernelName, backendName: 'wasm', kernelFunc: make(stock?.kernelFunc) };
  tf.registerKernel(config);
}

/** dW = im2col(x)ᵀ · dy as one XNNPACK matmul. */
function filterGrad(stock: KernelFunc | undefined): KernelFunc {
  const matmul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as Attrs;
    const [sh, sw] = pair(a.strides);
    const fs = a.filterShape as [number, number, number, number];
    if (sh !== 1 || sw !== 1 || (a.pad !== 'same' && a.pad !== 'valid') || (a.dataFormat && a.dataFormat !== 'NHWC')) {
      if (!stock) throw new Error('unsupported Conv2DBackpropFilter configuration on wasm');
      return stock(args);
    }
    const backend = args.backend as unknown as WasmBackend;
    const [b, h, w, ci] = x.shape;
    const [, oh, ow, co] = dy.shape;
    const [fh, fw] = fs;
    const padT = a.pad === 'same' ? Math.floor((fh - 1) / 2) : 0;
    const padL = a.pad === 'same' ? Math.floor((fw - 1) / 2) : 0;
    const xv = backend.readSync(x.dataId);
    const K = fh * fw * ci;
    const N = b * oh * ow;
    // im2col, stored transposed (K × N): XNNPACK is much faster on A·B than on Aᵀ·B here.
    const PT = new Float32Array(K * N);
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        for (let c = 0; c < ci; c++) {
          const rowOff = ((kh * fw + kw) * ci + c) * N;
          let n = 0;
          for (let bi = 0; bi < b; bi++) {
            for (let y = 0; y < oh; y++) {
              const iy = y + kh - padT;
              if (iy < 0 || iy >= h) { n += ow; continue; }
              const base = (bi * h + iy) * w;
              for (let xx = 0; xx < ow; xx++, n++) {
                const ix = xx + kw - padL;
                if (ix >= 0 && ix < w) PT[rowOff + n] = xv[(base + ix) * ci + c];
              }
            }
          }
        }
      }
    }
    const pId = backend.write(PT, [1, K, N], 'float32');
    const out = matmul({
      inputs: { a: { dataId: pId, shape: [1, K, N], dtype: 'float32' }, b: { dataId: dy.dataId, shape: [1, N, co], dtype: 'float32' } },
      backend: args.backend, attrs: { transposeA: false, transposeB: false } as unknown as NamedAttrMap,
    }) as TensorInfo;
    backend.disposeData(pId);
    return { dataId: out.dataId, shape: [fh, fw, ci, co], dtype: 'float32' };
  };
}

/** dX = conv2d(dy, W flipped and transposed), 'same' padding, stride 1, odd kernels. */
function inputGrad(stock: KernelFunc | undefined): KernelFunc {
  const conv = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = args.attrs as Attrs;
    const [sh, sw] = pair(a.strides);
    const [fh, fw, ci, co] = filter.shape;
    if (sh !== 1 || sw !== 1 || a.pad !== 'same' || fh % 2 === 0 || fw % 2 === 0 || (a.dataFormat && a.dataFormat !== 'NHWC')) {
      if (!stock) throw new Error('unsupported Conv2DBackpropInput configuration on wasm');
      return stock(args);
    }
    const backend = args.backend as unknown as WasmBackend;
    const wv = backend.readSync(filter.dataId);
    const flipped = new Float32Array(wv.length);
    for (let kh = 0; kh < fh; kh++) for (let kw = 0; kw < fw; kw++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
      flipped[(((fh - 1 - kh) * fw + (fw - 1 - kw)) * co + o) * ci + i] = wv[((kh * fw + kw) * ci + i) * co + o];
    }
    const fId = backend.write(flipped, [fh, fw, co, ci], 'float32');
    const out = conv({
      inputs: { x: dy, filter: { dataId: fId, shape: [fh, fw, co, ci], dtype: 'float32' } },
      backend: args.backend, attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 } as unknown as NamedAttrMap,
    }) as TensorInfo;
    backend.disposeData(fId);
    return out;
  };
}

/** Routes each pooled gradient to the arg-max of its window (2×2 stride 2 'valid'). */
function maxPoolGrad(stock: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const a = args.attrs as Attrs;
    const [ph, pw] = pair(a.filterSize);
    const [sh, sw] = pair(a.strides);
    if (ph !== 2 || pw !== 2 || sh !== 2 || sw !== 2 || a.pad !== 'valid') {
      if (!stock) throw new Error('unsupported MaxPoolGrad configuration on wasm');
      return stock(args);
    }
    const backend = args.backend as unknown as WasmBackend;
    const [b, h, w, c] = input.shape;
    const [, oh, ow] = dy.shape;
    const xv = backend.readSync(input.dataId);
    const gv = backend.readSync(dy.dataId);
    const dx = new Float32Array(b * h * w * c);
    for (let bi = 0; bi < b; bi++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let ch = 0; ch < c; ch++) {
      let best = -1;
      let bestV = -Infinity;
      for (let dy2 = 0; dy2 < 2; dy2++) for (let dx2 = 0; dx2 < 2; dx2++) {
        const idx = ((bi * h + 2 * y + dy2) * w + 2 * x + dx2) * c + ch;
        if (xv[idx] > bestV) { bestV = xv[idx]; best = idx; }
      }
      dx[best] += gv[((bi * oh + y) * ow + x) * c + ch];
    }
    return { dataId: backend.write(dx, [b, h, w, c], 'float32'), shape: [b, h, w, c], dtype: 'float32' };
  };
}

let installed = false;

export function installFastWasmGrads(): void {
  if (installed) return;
  installed = true;
  replace('Conv2DBackpropFilter', filterGrad);
  replace('Conv2DBackpropInput', inputGrad);
  replace('MaxPoolGrad', maxPoolGrad);
}
