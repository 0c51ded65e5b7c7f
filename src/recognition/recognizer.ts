/**
 * The recognition pipeline: decode (EXIF-aware) → letterbox → face-value classifier (calibrated) →
 * rectify the card from the predicted corners → binarize → OCR → parse against carrier formats.
 */
import sharp from 'sharp';
import { join } from 'node:path';
import { argmax, softmax } from './calibration.js';
import { binarizeForOcr } from './binarize.js';
import { maskPin, parseCardText, type CardText } from './card-text.js';
import { fuseWithText } from './text-fusion.js';
import { CARRIERS, DENOMINATIONS, type Carrier, type Denomination } from './classes.js';
import { ensemble, type FaceValueClassifier } from './classifier.js';
import { rectify, type Point, type RawImage } from './geometry.js';
import { readModelMeta, defaultModelDir, type ServingMode } from './model-meta.js';
import { AppError } from '../core/errors.js';
import { OcrPool, type OcrLine } from './ocr-pool.js';
import { createOnnxClassifier } from './onnx-classifier.js';
import { decodeImage, letterbox, type Letterboxed } from './preprocess.js';
import { loadSvmClassifier } from './svm-classifier.js';
import { createTwoStageClassifier } from './two-stage-classifier.js';

export interface RecognitionResult {
  carrier: Carrier;
  denomination: Denomination;
  /** Calibrated probability that carrier and face value are both right. */
  confidence: number;
  serial: string | null;
  /** PIN with all but the last 4 digits masked; never the full PIN. */
  pinMasked: string | null;
  needsReview: boolean;
}

/** Internal detail for evaluation: includes the full PIN, so never return it from the API. */
export interface RecognitionAnalysis extends RecognitionResult {
  pin: string | null;
  carrierConfidence: number;
  denominationConfidence: number;
  serialConfidence: number | null;
  pinConfidence: number | null;
  /** Full calibrated distributions (for calibration fitting and reports). */
  carrierProbs: number[];
  denomProbs: number[];
}

export interface Recognizer {
  readonly modelVersion: string;
  recognize(image: Buffer): Promise<RecognitionResult>;
  analyze(image: Buffer): Promise<RecognitionAnalysis>;
  /** Face value only, for many decoded inputs at once (evaluation, benchmarks). */
  classifyInputs(inputs: Float32Array[]): Promise<Array<Pick<RecognitionAnalysis, 'carrier' | 'denomination' | 'confidence'>>>;
  close(): Promise<void>;
}

export interface RecognizerOptions {
  modelDir?: string;
  ocr?: boolean;
  ocrWorkers?: number;
  /** Override the served classifier chosen at training time. */
  classifier?: ServingMode;
}

const RECT_W = 1400;

/** Temperature scaling applied to probabilities: softmax(log p / T). */
function sharpen(p: number[], t: number): number[] {
  return softmax(p.map((v) => Math.log(Math.max(v, 1e-9))), t);
}
const RECT_H = 883;
const QUAD_GROW = 1.3;

function toResult(a: RecognitionAnalysis): RecognitionResult {
  return { carrier: a.carrier, denomination: a.denomination, confidence: a.confidence, serial: a.serial, pinMasked: a.pinMasked, needsReview: a.needsReview };
}

export async function ocrCard(pool: OcrPool, img: RawImage, lb: Letterboxed, corners: Point[] | null): Promise<OcrLine[]> {
  // Predicted corners are a few percent off; widen the quad so no digit is cut at the card edge
  // (background around the card only costs OCR a few stray characters).
  const raw = corners?.map(([x, y]): Point => [(x - lb.padX) / lb.scale, (y - lb.padY) / lb.scale]);
  const cx = raw ? raw.reduce((a, p) => a + p[0], 0) / 4 : 0;
  const cy = raw ? raw.reduce((a, p) => a + p[1], 0) / 4 : 0;
  const quad = raw?.map(([x, y]): Point => [cx + (x - cx) * QUAD_GROW, cy + (y - cy) * QUAD_GROW]);
  const card = quad ? rectify(img, quad, RECT_W, RECT_H) : img;
  const window = Math.max(15, Math.round(card.height / 14) | 1);
  const png = (bin: Uint8Array, w: number, h: number) => sharp(Buffer.from(bin), { raw: { width: w, height: h, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  // Pass 1: dark digits on light patches (card number, PIN, most print), full resolution.
  // Pass 2: light-on-dark print (big white face values) at half resolution: it is large anyway.
  const half = rectifyHalf(card);
  const [dark, light] = await Promise.all([
    pool.readLines(await png(binarizeForOcr(card, window, 6, 120), card.width, card.height)),
    pool.readLines(await png(binarizeForOcr(half, Math.max(15, Math.round(half.height / 14) | 1), 10, 120, true), half.width, half.height)),
  ]);
  // Heights from the half-resolution pass are doubled so face-value votes compare fairly.
  return [...dark, ...light.map((l) => ({ ...l, words: l.words?.map((w) => ({ ...w, height: w.height * 2 })) }))];
}

/** 2× box downscale of an RGB image. */
function rectifyHalf(img: RawImage): RawImage {
  const w = Math.floor(img.width / 2);
  const h = Math.floor(img.height / 2);
  const out = new Uint8Array(w * h * 3);
  const c = img.channels;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) {
    const a = ((2 * y) * img.width + 2 * x) * c + k;
    const b = ((2 * y + 1) * img.width + 2 * x) * c + k;
    out[(y * w + x) * 3 + k] = (img.data[a] + img.data[a + c] + img.data[b] + img.data[b + c]) >> 2;
  }
  return { data: out, width: w, height: h, channels: 3 };
}

export async function createRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const dir = options.modelDir ?? defaultModelDir();
  const meta = readModelMeta(dir);
  const cnn = await createOnnxClassifier({ path: join(dir, meta.cnn.file), temperatureCarrier: meta.cnn.temperatureCarrier, temperatureDenom: meta.cnn.temperatureDenom });
  const svm = loadSvmClassifier(join(dir, meta.svm.file));
  const serving = options.classifier ?? meta.serving;
  let classifier: FaceValueClassifier;
  if (serving === 'two-stage' || serving === 'two-stage-ensemble') {
    if (!meta.stage2) throw new AppError('model_unavailable', 503, 'Service unavailable', { detail: `model ${meta.version} has no stage-2 network` });
    classifier = await createTwoStageClassifier(cnn, { path: join(dir, meta.stage2.file), temperatureCarrier: meta.stage2.temperatureCarrier, temperatureDenom: meta.stage2.temperatureDenom, withStage1: serving === 'two-stage-ensemble' });
  } else {
    classifier = serving === 'cnn' ? cnn : serving === 'svm' ? svm : ensemble([cnn, svm]);
  }
  const pool = options.ocr === false ? null : new OcrPool(options.ocrWorkers);

  const decide = (carrierProbs: number[], denomProbs: number[]) => {
    const c = argmax(carrierProbs);
    const d = argmax(denomProbs);
    return { carrier: CARRIERS[c], denomination: DENOMINATIONS[d], carrierConfidence: carrierProbs[c], denominationConfidence: denomProbs[d], confidence: carrierProbs[c] * denomProbs[d] };
  };

  async function analyze(image: Buffer): Promise<RecognitionAnalysis> {
    const img = await decodeImage(image);
    const lb = await letterbox(img);
    const [out] = await classifier.classify([lb.input]);
    // The CNN predicts corners even when another classifier decides the face value.
    const corners = out.corners ?? (serving === 'svm' && pool ? (await cnn.classify([lb.input]))[0].corners : null);
    let carrierProbs = out.carrierProbs;
    let denomProbs = out.denomProbs;
    let texts: Record<Carrier, CardText> | null = null;
    if (pool) {
      const lines = await ocrCard(pool, img, lb, corners);
      texts = { cmcc: parseCardText(lines, 'cmcc'), cucc: parseCardText(lines, 'cucc'), ctcc: parseCardText(lines, 'ctcc') };
      ({ carrierProbs, denomProbs } = fuseWithText(carrierProbs, denomProbs, lines, texts));
      if (meta.ocrFusion) {
        carrierProbs = sharpen(carrierProbs, meta.ocrFusion.carrierTemperature);
        denomProbs = sharpen(denomProbs, meta.ocrFusion.denomTemperature);
      }
    }
    const v = decide(carrierProbs, denomProbs);
    const serial = texts ? texts[v.carrier].serial : null;
    const pin = texts ? texts[v.carrier].pin : null;
    const needsReview = v.confidence < meta.reviewThreshold || (pool !== null && (serial === null || pin === null));
    return {
      ...v, needsReview, carrierProbs, denomProbs,
      serial: serial?.value ?? null, serialConfidence: serial?.confidence ?? null,
      pin: pin?.value ?? null, pinMasked: pin ? maskPin(pin.value) : null, pinConfidence: pin?.confidence ?? null,
    };
  }

  return {
    modelVersion: meta.version,
    analyze,
    async recognize(image) {
      return toResult(await analyze(image));
    },
    async classifyInputs(inputs) {
      const outs = await classifier.classify(inputs);
      return outs.map((o) => {
        const v = decide(o.carrierProbs, o.denomProbs);
        return { carrier: v.carrier, denomination: v.denomination, confidence: v.confidence };
      });
    },
    async close() {
      // ensemble() closes its parts; the two-stage and svm modes leave the stage-1 session to us.
      const ownsCnn = serving === 'svm' || serving === 'two-stage' || serving === 'two-stage-ensemble';
      await Promise.all([classifier.close(), ownsCnn ? cnn.close() : Promise.resolve(), pool?.close()]);
    },
  };
}

/**
 * A recognizer that loads its model on first use, so constructing it costs nothing at server
 * start-up. `warmUp()` may be called in the background to hide the first-request latency.
 */
export function lazyRecognizer(options: RecognizerOptions = {}): Recognizer & { warmUp(): Promise<void> } {
  let inner: Promise<Recognizer> | undefined;
  const get = () => (inner ??= createRecognizer(options).catch((e: unknown) => { inner = undefined; throw e; }));
  return {
    get modelVersion() { return readModelMeta(options.modelDir ?? defaultModelDir()).version; },
    async warmUp() { await get(); },
    async recognize(image) { return (await get()).recognize(image); },
    async analyze(image) { return (await get()).analyze(image); },
    async classifyInputs(inputs) { return (await get()).classifyInputs(inputs); },
    async close() { if (inner) await (await inner).close(); inner = undefined; },
  };
}
