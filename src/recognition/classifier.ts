/** The face-value classifier port: calibrated carrier and face-value probabilities (+ card corners). */
import type { Point, RawImage } from './geometry.js';

/**
 * The decoded photo behind a letterboxed input and the letterbox transform
 * (original pixel = (model pixel − pad) / scale): stage 2 crops the card from it at full resolution.
 */
export interface SourceImage { image: RawImage; scale: number; padX: number; padY: number }

export interface FaceValueOutput {
  carrierProbs: number[];
  denomProbs: number[];
  /** Card corners TL, TR, BR, BL in model-input pixels, when the model predicts them. */
  corners: Point[] | null;
}

export interface FaceValueClassifier {
  readonly name: string;
  /**
   * inputs: NHWC float32 letterboxed images (INPUT_SIZE² × 3 each); sources (optional, same order):
   * the decoded photos, for classifiers that look at the card at more than letterbox resolution.
   */
  classify(inputs: Float32Array[], sources?: SourceImage[]): Promise<FaceValueOutput[]>;
  close(): Promise<void>;
}

/** Averages probabilities of several classifiers; corners come from the first that has them. */
export function ensemble(parts: FaceValueClassifier[]): FaceValueClassifier {
  return {
    name: `ensemble(${parts.map((p) => p.name).join(',')})`,
    async classify(inputs, sources) {
      const outs = await Promise.all(parts.map((p) => p.classify(inputs, sources)));
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
