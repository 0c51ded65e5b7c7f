/** The trained network's weights in a framework-neutral form (what models/pricing/weights.json holds). */
export interface LstmWeights {
  window: number;
  features: number;
  horizon: number;
  units: number;
  /** Keras layout: kernel [features, 4*units] and recurrentKernel [units, 4*units], gates (i, f, c, o). */
  kernel: number[];
  recurrentKernel: number[];
  bias: number[]; // [4*units]
  denseKernel: number[]; // [units, horizon]
  denseBias: number[]; // [horizon]
  recurrentActivation: 'sigmoid';
}
