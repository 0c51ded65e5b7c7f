import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express, { type ErrorRequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Command } from 'commander';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { recognitionRoutes, registerRecognitionOpenApi } from '../../src/api/routes/recognitions.js';
import { registerRecognitionCommands } from '../../src/cli/commands/recognition.js';
import { createRecognizer, type Recognizer } from '../../src/recognition/index.js';
import { isAppError } from '../../src/core/errors.js';
import { MODEL_DIR, labelledFolder } from './helpers/fixtures.js';
import { multipartBody, onePixelPng, truncatedJpeg } from './helpers/images.js';

let server: Server;
let base: string;
let recognizer: Recognizer;
let folder: Awaited<ReturnType<typeof labelledFolder>>;

beforeAll(async () => {
  recognizer = await createRecognizer({ modelDir: MODEL_DIR, ocr: false });
  folder = await labelledFolder(4);
  const app = express();
  // Stand-in for the lead's signature middleware: it leaves the raw body on req.rawBody.
  app.use(express.raw({ type: () => true, limit: '12mb' }), (req, _res, next) => {
    (req as unknown as { rawBody: Buffer }).rawBody = req.body as Buffer;
    next();
  });
  app.use(recognitionRoutes({ recognizer }));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = isAppError(err) ? err.status : 500;
    res.status(status).type('application/problem+json').send(JSON.stringify({ status, code: isAppError(err) ? err.code : 'internal' }));
  };
  app.use(onError);
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  server?.close();
  await recognizer?.close();
});

async function post(parts: Parameters<typeof multipartBody>[0]) {
  const { body, contentType } = multipartBody(parts);
  const res = await fetch(`${base}/v1/recognitions`, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: (await res.json()) as Record<string, unknown> };
}

describe('POST /v1/recognitions', () => {
  it('returns the recognition result for a card photo', async () => {
    const r = await post([{ name: 'image', filename: 'card.jpg', type: 'image/jpeg', data: folder.samples[0].image }]);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ file: 'card.jpg', serial: null, pinMasked: null });
    expect(['cmcc', 'cucc', 'ctcc']).toContain(r.json.carrier);
    expect(typeof r.json.confidence).toBe('number');
  });

  it.each([
    ['not an image', async () => Buffer.from('hello'), 415, 'invalid_image'],
    ['truncated', truncatedJpeg, 422, 'invalid_image'],
    ['1×1 pixel', onePixelPng, 422, 'image_too_small'],
    ['empty part', async () => Buffer.alloc(0), 400, 'missing_image'],
  ])('%s → %i problem+json', async (_name, make, status, code) => {
    const r = await post([{ name: 'image', filename: 'x.jpg', type: 'image/jpeg', data: await make() }]);
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.json.code).toBe(code);
  });

  it('documents the route in OpenAPI', () => {
    const registry = new OpenAPIRegistry();
    registerRecognitionOpenApi(registry);
    expect(JSON.stringify(registry.definitions)).toContain('/v1/recognitions');
  });
});

describe('cardrecycle eval recognition / recognize', () => {
  function program() {
    const p = new Command().exitOverride();
    const train = p.command('train');
    const evalGroup = p.command('eval');
    registerRecognitionCommands(p, { train, eval: evalGroup });
    return p;
  }

  it('eval prints a JSON report with fractions', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    try {
      await program().parseAsync(['eval', 'recognition', '--images', folder.dir, '--labels', folder.labels, '--model', MODEL_DIR, '--no-ocr', '--json'], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    const report = JSON.parse(out.join('')) as { n: number; accuracy: number; perClass: object; confusion: { matrix: number[][] }; ece: number };
    expect(report.n).toBe(4);
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(report.accuracy).toBeLessThanOrEqual(1);
    expect(report.confusion.matrix).toHaveLength(24);
    expect(report.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.ece).toBeLessThanOrEqual(1);
    expect(Object.keys(report.perClass)).toHaveLength(24);
  }, 90_000);

  it('recognize --json prints one line per file and fails on unreadable files', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    try {
      await expect(program().parseAsync(['recognize', `${folder.dir}/card-1.jpg`, folder.labels, '--model', MODEL_DIR, '--no-ocr', '--json'], { from: 'user' })).rejects.toThrow(/1 of 2/);
    } finally {
      spy.mockRestore();
    }
    const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ file: `${folder.dir}/card-1.jpg` });
    expect(lines[0]).toHaveProperty('denomination');
    expect(lines[1]).toMatchObject({ error: { code: 'invalid_image' } });
  }, 90_000);
});
