/**
 * Image decoding and the model input transform. Training and serving both go through these
 * functions so the network sees exactly the same pixels in both places.
 *
 * The face value alone needs only the 96-px input: `decodeLetterbox` makes it in one sharp pipeline
 * from the upload, byte for byte the input `letterbox(await decodeImage(buf))` makes, without
 * copying the decoded photo out to JavaScript and back into a second pipeline.
 */
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../core/errors.js';
import type { Point, RawImage } from './geometry.js';

/** Model input: letterboxed square RGB. */
export const INPUT_SIZE = 96;
/** Decoded images are capped so a 48-megapixel phone photo does not cost seconds downstream. */
export const MAX_DECODE_SIDE = 1600;
/** sharp refuses images above this many pixels (decompression-bomb guard). */
export const MAX_INPUT_PIXELS = 40_000_000;
const PAD = 128;

/** A validated upload: its format and its size as displayed (EXIF orientation applied). */
interface Probed { buf: Buffer; format: string; width: number; height: number }

async function probe(buf: Buffer): Promise<Probed> {
  if (buf.length === 0) throw new AppError('missing_image', 400, 'Bad request', { detail: 'the image is empty' });
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (e) {
    if (e instanceof Error && /pixel limit/i.test(e.message)) {
      throw new AppError('image_too_large', 413, 'Payload too large', { detail: `image has more than ${MAX_INPUT_PIXELS} pixels`, cause: e });
    }
    throw new AppError('invalid_image', 415, 'Unsupported media type', { detail: 'not a decodable image', cause: e });
  }
  if (!meta.format || !['jpeg', 'png', 'webp'].includes(meta.format)) {
    throw new AppError('invalid_image', 415, 'Unsupported media type', { detail: `unsupported image format ${meta.format ?? 'unknown'}; use JPEG, PNG or WebP` });
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > MAX_INPUT_PIXELS) {
    throw new AppError('image_too_large', 413, 'Payload too large', { detail: `image has ${w}×${h} pixels; the limit is ${MAX_INPUT_PIXELS}` });
  }
  if (w < 32 || h < 32) {
    throw new AppError('image_too_small', 422, 'Unprocessable content', { detail: `image is ${w}×${h} pixels; at least 32×32 is needed` });
  }
  // EXIF orientations 5–8 turn the picture by 90°.
  const turned = (meta.orientation ?? 1) >= 5;
  return { buf, format: meta.format, width: turned ? h : w, height: turned ? w : h };
}

const corrupt = (e: unknown) => new AppError('invalid_image', 422, 'Unprocessable content', { detail: 'the image is truncated or corrupt', cause: e });

/** sharp for an upload: failOn 'truncated' turns a cut-off upload into an error instead of a half-grey picture. */
const open = (buf: Buffer) => sharp(buf, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' }).rotate(); // rotate(): honour EXIF orientation

export async function decodeImage(buf: Buffer): Promise<RawImage> {
  return decodeProbed(await probe(buf));
}

async function decodeProbed(p: Probed): Promise<RawImage> {
  try {
    const { data, info } = await open(p.buf)
      .resize(MAX_DECODE_SIDE, MAX_DECODE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw corrupt(e);
  }
}

export interface Letterboxed {
  /** NHWC float32 in [0, 1], INPUT_SIZE × INPUT_SIZE × 3. */
  input: Float32Array;
  /** original pixel = (model pixel − pad) / scale */
  scale: number;
  padX: number;
  padY: number;
}

/** Points on the model input (the predicted card corners) in the photo's own pixels. */
export function toPhotoPoints(lb: Pick<Letterboxed, 'scale' | 'padX' | 'padY'>, points: Point[]): Point[] {
  return points.map(([x, y]): Point => [(x - lb.padX) / lb.scale, (y - lb.padY) / lb.scale]);
}

/** Where the photo (width × height) lands in the size × size input. */
function fitInto(width: number, height: number, size: number) {
  const s = Math.min(size / width, size / height);
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  return { w, h, padX: Math.floor((size - w) / 2), padY: Math.floor((size - h) / 2) };
}

/** Pads the w × h RGB bytes into a size × size float input. */
function padInput(small: Uint8Array, w: number, h: number, padX: number, padY: number, size: number): Float32Array {
  const input = new Float32Array(size * size * 3).fill(PAD / 255);
  const row = w * 3;
  for (let y = 0; y < h; y++) {
    const s0 = y * row;
    const d0 = ((y + padY) * size + padX) * 3;
    for (let i = 0; i < row; i++) input[d0 + i] = small[s0 + i] / 255;
  }
  return input;
}

export async function letterbox(img: RawImage, size = INPUT_SIZE): Promise<Letterboxed> {
  const { w, h, padX, padY } = fitInto(img.width, img.height, size);
  const small = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: img.channels as 3 | 4 },
  }).resize(w, h, { fit: 'fill', kernel: 'cubic' }).removeAlpha().raw().toBuffer();
  return { input: padInput(small, w, h, padX, padY, size), scale: w / img.width, padX, padY };
}

/**
 * The model input straight from an upload, with decodeImage's checks: the same input as
 * `letterbox(await decodeImage(buf))`, made in one pipeline. For a JPEG that decodeImage would not
 * shrink, the decoded photo goes straight into the cubic resize: the full-frame extract() keeps
 * sharp from decoding the JPEG at reduced scale (shrink-on-load), which would change the pixels the
 * network sees (training went through decodeImage + letterbox). Other photos take the two steps.
 */
export async function decodeLetterbox(buf: Buffer, size = INPUT_SIZE): Promise<Letterboxed> {
  const p = await probe(buf);
  if (p.format !== 'jpeg' || Math.max(p.width, p.height) > MAX_DECODE_SIDE) return letterbox(await decodeProbed(p), size);
  const { w, h, padX, padY } = fitInto(p.width, p.height, size);
  let small: Buffer;
  try {
    small = await open(p.buf).extract({ left: 0, top: 0, width: p.width, height: p.height })
      .resize(w, h, { fit: 'fill', kernel: 'cubic' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  } catch (e) {
    throw corrupt(e);
  }
  return { input: padInput(small, w, h, padX, padY, size), scale: w / p.width, padX, padY };
}
