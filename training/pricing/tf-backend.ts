import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Selects TF.js's wasm backend, single-threaded (the training machine's cores are shared). */
export async function useWasmBackend(): Promise<typeof tf> {
  if (tf.getBackend() === 'wasm') return tf;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the TF.js wasm backend');
  await tf.ready();
  return tf;
}
