/** The face-value classifier port: calibrated carrier and face-value probabilities (+ card corners). */
import type { Point } from './geometry.js';

export interface FaceValueOutput {
  carrierProbs: number[];
  denomProbs: number[];
  /** Card corners TL, TR, BR, BL in model-input pixels, when the model predicts them. */
  corners: Point[] | null;
}

export interface FaceValueClassifier {
  readonly name: string;
  /** inputs: NHWC float32 letterboxed images (INPUT_SIZE² × 3 each). */
  classify(inputs: Float32Array[]): Promise<FaceValueOutput[]>;
  close(): Promise<void>;
}

/** Averages probabilities of several classifiers; corners come from the first that has them. */
export function ensemble(parts: FaceValueClassifier[]): FaceValueClassifier {
  return {
    name: `ensemble(${parts.map((p) => p.name).join(',')})`,
    async classify(inputs) {
      const outs = await Promise.all(parts.map((p) => p.classify(inputs)));
      return inputs.map((_, i) => {
        const avg = (key: 'carrierProbs' | 'denomProbs') =>
          outs[0][i][key].map((_, k) => outs.reduce((s, o) => s + o[i][key][k], 0) / outs.length);
        return { carrierProbs: avg('carrierProbs'), denomProbs: avg('denomProbs'), corners: outs.find((o) => o[i].corners)?.[i].corners ?? null };
      });
    },
    async close() {
      await Promise.all(parts.map((p) => p.close()));
    },
  };
}
