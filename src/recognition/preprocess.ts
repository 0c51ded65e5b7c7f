/**
 * Image decoding and the model input transform. Training and serving both go through these two
 * functions so the network sees exactly the same pixels in both places.
 */
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../core/errors.js';
import type { RawImage } from './geometry.js';

/** Model input: letterboxed square RGB. */
export const INPUT_SIZE = 96;
/** Decoded images are capped so a 48-megapixel phone photo does not cost seconds downstream. */
export const MAX_DECODE_SIDE = 1600;
/** sharp refuses images above this many pixels (decompression-bomb guard). */
export const MAX_INPUT_PIXELS = 40_000_000;
const PAD = 128;

export async function decodeImage(buf: Buffer): Promise<RawImage> {
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
  try {
    // failOn 'truncated' turns a cut-off upload into an error instead of a half-grey picture.
    const { data, info } = await sharp(buf, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' })
      .rotate() // honour EXIF orientation
      .resize(MAX_DECODE_SIDE, MAX_DECODE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw new AppError('invalid_image', 422, 'Unprocessable content', { detail: 'the image is truncated or corrupt', cause: e });
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

export async function letterbox(img: RawImage, size = INPUT_SIZE): Promise<Letterboxed> {
  const scale = Math.min(size / img.width, size / img.height);
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const small = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: img.channels as 3 | 4 },
  }).resize(w, h, { fit: 'fill', kernel: 'cubic' }).removeAlpha().raw().toBuffer();
  const padX = Math.floor((size - w) / 2);
  const padY = Math.floor((size - h) / 2);
  const input = new Float32Array(size * size * 3).fill(PAD / 255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = ((y + padY) * size + x + padX) * 3;
      input[d] = small[s] / 255;
      input[d + 1] = small[s + 1] / 255;
      input[d + 2] = small[s + 2] / 255;
    }
  }
  return { input, scale: w / img.width, padX, padY };
}
