import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeImage, decodeLetterbox, letterbox } from '../../src/recognition/preprocess.js';
import { parseImagePart, MAX_IMAGE_BYTES } from '../../src/recognition/multipart-image.js';
import { AppError } from '../../src/core/errors.js';
import { multipartBody, onePixelPng, pngBomb, truncatedJpeg } from './helpers/images.js';

async function codeOf(p: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return { code: (e as AppError).code, status: (e as AppError).status };
  }
  throw new Error('expected an AppError');
}

describe('image decoding rejects broken input with 4xx codes', () => {
  it('not an image → 415 invalid_image', async () => {
    expect(await codeOf(decodeImage(Buffer.from('definitely not a picture')))).toEqual({ code: 'invalid_image', status: 415 });
  });
  it('truncated JPEG → 422 invalid_image', async () => {
    expect(await codeOf(decodeImage(await truncatedJpeg()))).toEqual({ code: 'invalid_image', status: 422 });
  });
  it('1×1 pixel → 422 image_too_small', async () => {
    expect(await codeOf(decodeImage(await onePixelPng()))).toEqual({ code: 'image_too_small', status: 422 });
  });
  it('decompression bomb (60000×60000 header) → 413 image_too_large', async () => {
    expect(await codeOf(decodeImage(pngBomb()))).toEqual({ code: 'image_too_large', status: 413 });
  });
  it('empty buffer → 400 missing_image', async () => {
    expect(await codeOf(decodeImage(Buffer.alloc(0)))).toEqual({ code: 'missing_image', status: 400 });
  });
  it('honours EXIF orientation (a 6-rotated landscape JPEG decodes as portrait)', async () => {
    const jpeg = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#888' } }).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const img = await decodeImage(jpeg);
    expect([img.width, img.height]).toEqual([100, 200]);
  });
});

describe('decodeLetterbox (face value alone: the model input straight from the upload)', () => {
  /** A photo-like test card: gradients and text, so resampling differences would show. */
  async function photo(width: number, height: number): Promise<Buffer> {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#c33"/><stop offset="1" stop-color="#39c"/></linearGradient></defs>`
      + `<rect width="100%" height="100%" fill="url(#g)"/><text x="${width / 8}" y="${height / 2}" font-size="${height / 4}" fill="#fff">100 元</text></svg>`;
    return sharp(Buffer.from(svg)).png().toBuffer();
  }
  const same = (a: { input: Float32Array; scale: number; padX: number; padY: number }, b: typeof a) => {
    expect([a.scale, a.padX, a.padY]).toEqual([b.scale, b.padX, b.padY]);
    expect(Buffer.from(a.input.buffer).equals(Buffer.from(b.input.buffer))).toBe(true);
  };

  it('gives byte for byte the input letterbox(decodeImage(…)) gives: JPEG (EXIF-rotated, grey, CMYK, Display P3, progressive, over the decode cap), PNG, WebP', async () => {
    const src = await photo(1200, 800);
    const uploads = [
      await sharp(src).jpeg({ quality: 85 }).toBuffer(),
      await sharp(src).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
      await sharp(src).withMetadata({ orientation: 3 }).jpeg().toBuffer(),
      await sharp(src).greyscale().jpeg().toBuffer(),
      await sharp(src).toColourspace('cmyk').jpeg().toBuffer(),
      await sharp(src).withIccProfile('p3').jpeg({ progressive: true }).toBuffer(),
      await sharp(src).resize(2000).jpeg().toBuffer(), // over MAX_DECODE_SIDE: decodeImage shrinks it first
      await sharp(src).resize(333, 47).jpeg().toBuffer(),
      src,
      await sharp(src).webp().toBuffer(),
    ];
    for (const u of uploads) same(await decodeLetterbox(u), await letterbox(await decodeImage(u)));
  });

  it('rejects broken input with the same codes as decodeImage', async () => {
    expect(await codeOf(decodeLetterbox(Buffer.from('definitely not a picture')))).toEqual({ code: 'invalid_image', status: 415 });
    expect(await codeOf(decodeLetterbox(await truncatedJpeg()))).toEqual({ code: 'invalid_image', status: 422 });
    expect(await codeOf(decodeLetterbox(await onePixelPng()))).toEqual({ code: 'image_too_small', status: 422 });
    expect(await codeOf(decodeLetterbox(pngBomb()))).toEqual({ code: 'image_too_large', status: 413 });
    expect(await codeOf(decodeLetterbox(Buffer.alloc(0)))).toEqual({ code: 'missing_image', status: 400 });
  });
});

describe('multipart image part', () => {
  it('extracts the image field', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toBuffer();
    const { body, contentType } = multipartBody([{ name: 'note', data: 'hi' }, { name: 'image', filename: 'card.png', type: 'image/png', data: png }]);
    const part = await parseImagePart(body, contentType);
    expect(part.filename).toBe('card.png');
    expect(part.data.equals(png)).toBe(true);
  });
  it('empty part → 400 missing_image; no part → 400 missing_image', async () => {
    const empty = multipartBody([{ name: 'image', filename: 'x.jpg', type: 'image/jpeg', data: Buffer.alloc(0) }]);
    expect(await codeOf(parseImagePart(empty.body, empty.contentType))).toEqual({ code: 'missing_image', status: 400 });
    const none = multipartBody([{ name: 'other', data: 'x' }]);
    expect(await codeOf(parseImagePart(none.body, none.contentType))).toEqual({ code: 'missing_image', status: 400 });
  });
  it('over 10 MB → 413 image_too_large; not multipart → 415', async () => {
    const big = multipartBody([{ name: 'image', filename: 'big.jpg', type: 'image/jpeg', data: Buffer.alloc(MAX_IMAGE_BYTES + 10, 1) }]);
    expect(await codeOf(parseImagePart(big.body, big.contentType))).toEqual({ code: 'image_too_large', status: 413 });
    expect(await codeOf(parseImagePart(Buffer.from('{}'), 'application/json'))).toEqual({ code: 'unsupported_media_type', status: 415 });
  });
});
