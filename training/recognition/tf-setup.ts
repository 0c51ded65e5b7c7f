/** Initialises tfjs on the wasm backend (single-threaded) with the missing training kernel. */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { registerWasmConv2DBackpropFilter } from './wasm-conv-backprop-filter.js';
import { installFastWasmGrads } from './wasm-fast-grads.js';

let ready: Promise<void> | undefined;

/** `fast` swaps in the XNNPACK-backed gradient kernels (wasm-fast-grads.ts) on top of the Conv3D mapping. */
export function initTf(backend: 'wasm' | 'cpu' = 'wasm', fast = true): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dist}/`);
    setThreadsCount(1);
    await tf.ready();
    registerWasmConv2DBackpropFilter();
    if (fast) installFastWasmGrads();
  })();
  return ready.then(() => tf.setBackend(backend)).then(() => undefined);
}
