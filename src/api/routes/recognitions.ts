/** POST /v1/recognitions: multipart `image` → recognition result (PIN masked). Thin: the facade does the work. */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Recognizer } from '../../recognition/index.js';
import { CARRIERS, DENOMINATIONS } from '../../recognition/index.js';
import { MAX_IMAGE_BYTES, parseImagePart } from '../../recognition/multipart-image.js';

/** The lead's app leaves the verified raw body here; fall back to reading the stream ourselves. */
async function rawBody(req: Request): Promise<Buffer> {
  const pre = (req as Request & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(pre)) return pre;
  if (Buffer.isBuffer(req.body)) return req.body as Buffer;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_IMAGE_BYTES + 64 * 1024) break; // the parser reports image_too_large
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function recognitionRoutes(deps: { recognizer: Recognizer }): Router {
  const router = express.Router();
  router.post('/v1/recognitions', async (req, res) => {
    const part = await parseImagePart(await rawBody(req), req.headers['content-type']);
    const result = await deps.recognizer.recognize(part.data);
    res.status(200).json({ file: part.filename, ...result });
  });
  return router;
}

export const RecognitionResponse = z.object({
  file: z.string().nullable(),
  carrier: z.enum(CARRIERS),
  denomination: z.union(DENOMINATIONS.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>]),
  confidence: z.number().min(0).max(1),
  serial: z.string().nullable(),
  pinMasked: z.string().nullable(),
  needsReview: z.boolean(),
});

export function registerRecognitionOpenApi(registry: OpenAPIRegistry): void {
  const problem = { content: { 'application/problem+json': { schema: { type: 'object' as const, properties: { type: { type: 'string' as const }, title: { type: 'string' as const }, status: { type: 'integer' as const }, code: { type: 'string' as const }, detail: { type: 'string' as const } } } } } };
  registry.registerPath({
    method: 'post',
    path: '/v1/recognitions',
    summary: 'Recognise a photographed recharge card',
    description: 'Carrier, face value (yuan), card number and masked PIN from a JPEG/PNG/WebP photo (≤ 10 MB, EXIF orientation honoured). needsReview is true when the calibrated confidence is low or the numbers could not be read.',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['image'], properties: { image: { type: 'string', format: 'binary' } } } } } } },
    responses: {
      200: { description: 'Recognition result', content: { 'application/json': { schema: RecognitionResponse } } },
      400: { description: 'missing_image / invalid_multipart', ...problem },
      413: { description: 'image_too_large (bytes or pixels)', ...problem },
      415: { description: 'unsupported_media_type / invalid_image', ...problem },
      422: { description: 'invalid_image (truncated) / image_too_small', ...problem },
    },
  });
}
