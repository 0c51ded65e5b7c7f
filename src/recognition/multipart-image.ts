/**
 * Extracts the `image` part from a multipart/form-data body that is already in memory (the API
 * verifies the request signature over the raw bytes first, so the stream is consumed). busboy
 * (multer's parser) is fed the buffer directly.
 */
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../core/errors.js';

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

interface BusboyFileInfo { filename?: string; mimeType: string }
type Busboy = Writable & {
  on(event: 'file', cb: (name: string, stream: Readable & { truncated?: boolean }, info: BusboyFileInfo) => void): Busboy;
  on(event: 'close' | 'finish', cb: () => void): Busboy;
  on(event: 'error', cb: (e: unknown) => void): Busboy;
  on(event: 'filesLimit' | 'partsLimit' | 'fieldsLimit', cb: () => void): Busboy;
};
type BusboyFactory = (config: { headers: Record<string, string>; limits: Record<string, number> }) => Busboy;

const busboy = createRequire(import.meta.url)('busboy') as BusboyFactory;

export interface ImagePart { data: Buffer; filename: string | null; mimeType: string }

export function parseImagePart(body: Buffer, contentType: string | undefined, field = 'image'): Promise<ImagePart> {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) {
    return Promise.reject(new AppError('unsupported_media_type', 415, 'Unsupported media type', { detail: 'send multipart/form-data with an "image" file part' }));
  }
  return new Promise((resolve, reject) => {
    let bb: Busboy;
    try {
      bb = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: MAX_IMAGE_BYTES, files: 2, fields: 20, parts: 30 } });
    } catch (e) {
      reject(new AppError('invalid_multipart', 400, 'Bad request', { detail: 'malformed multipart/form-data header', cause: e }));
      return;
    }
    let found: ImagePart | null = null;
    let failure: AppError | null = null;
    bb.on('file', (name, stream, info) => {
      if (name !== field || found) { stream.resume(); return; }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failure = new AppError('image_too_large', 413, 'Payload too large', { detail: `the image exceeds ${MAX_IMAGE_BYTES} bytes` });
      });
      stream.on('end', () => {
        found = { data: Buffer.concat(chunks), filename: info.filename ?? null, mimeType: info.mimeType };
      });
    });
    bb.on('error', (e) => reject(new AppError('invalid_multipart', 400, 'Bad request', { detail: 'malformed multipart/form-data body', cause: e })));
    bb.on('close', () => {
      if (failure) return reject(failure);
      const part = found as ImagePart | null;
      if (!part) return reject(new AppError('missing_image', 400, 'Bad request', { detail: `no "${field}" file part in the form` }));
      if (part.data.length === 0) return reject(new AppError('missing_image', 400, 'Bad request', { detail: `the "${field}" part is empty` }));
      resolve(part);
    });
    bb.end(body);
  });
}
