/**
 * The tfjs wasm backend ships no Conv2DBackpropFilter kernel, so conv layers cannot train on it.
 * A 2-D convolution is a 3-D convolution with depth 1: reshape x and dy to 5-D (sharing the data)
 * and run the wasm Conv3DBackpropFilterV2 kernel. Only stride 1 is supported (stride 2 was
 * measured to disagree with the CPU backend); the model uses stride-1 convs plus pooling.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs';

interface BackendWithRefs { incRef(dataId: object): void }

export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d) throw new Error('wasm backend lacks Conv3DBackpropFilterV2');
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as { strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat?: string; filterShape: [number, number, number, number] };
    const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    if (sh !== 1 || sw !== 1) throw new Error('Conv2DBackpropFilter on wasm supports stride 1 only');
    if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
    if (typeof a.pad === 'number' || (a.pad !== 'same' && a.pad !== 'valid')) throw new Error('Conv2DBackpropFilter on wasm supports same/valid padding only');
    const [b, h, w, c] = x.shape;
    const [, oh, ow, oc] = dy.shape;
    // 5-D views of the same buffers (no copy).
    const x5: TensorInfo = { dataId: x.dataId, shape: [b, 1, h, w, c], dtype: x.dtype };
    const dy5: TensorInfo = { dataId: dy.dataId, shape: [b, 1, oh, ow, oc], dtype: dy.dtype };
    const [fh, fw, fi, fo] = a.filterShape;
    const out = conv3d.kernelFunc({
      inputs: { x: x5, dy: dy5 }, backend,
      attrs: { strides: [1, 1, 1], pad: a.pad, filterShape: [1, fh, fw, fi, fo] } as unknown as NamedAttrMap,
    }) as TensorInfo;
    void (backend as unknown as BackendWithRefs);
    return { dataId: out.dataId, shape: [fh, fw, fi, fo], dtype: out.dtype };
  };
  const config: KernelConfig = { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
  tf.registerKernel(config);
}
