/**
 * Tesseract calls a photo costs, and the full result's latency, photos read one after the other
 * with one OCR worker (as bench/recognition.ts's "one core"):
 *   npx tsx bench/ocr-calls.ts [--images DIR] [--n 40] [--model DIR]
 * Prints p50 and mean latency, the calls in all, their mean time in the worker, and how many
 * photos took 1, 2, … calls. The call count does not depend on the machine's load, so it tells
 * whether a change to the read checks saves OCR work where latency runs are too noisy to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { OcrPool } from '../src/recognition/ocr-pool.js';
import { createRecognizer } from '../src/recognition/index.js';

const { values } = parseArgs({ options: {
  images: { type: 'string', default: 'datasets/generated/recognition/eval-standard' },
  n: { type: 'string', default: '40' }, model: { type: 'string', default: 'models/recognition' },
} });
sharp.concurrency(1);
const files = readdirSync(values.images!).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().slice(0, Number(values.n));
if (files.length === 0) {
  console.error(`no images in ${values.images}: build the evaluation sets first (training/recognition/build-eval-sets.ts)`);
  process.exit(2);
}

// Counted by wrapping the pool's one read method: the pipeline itself stays as served.
let calls = 0; let ocrMs = 0;
const readLines = OcrPool.prototype.readLines;
OcrPool.prototype.readLines = async function (this: OcrPool, ...args: Parameters<OcrPool['readLines']>) {
  const t = performance.now();
  try { return await readLines.apply(this, args); } finally { calls++; ocrMs += performance.now() - t; }
};

const rec = await createRecognizer({ modelDir: values.model, ocr: true, ocrWorkers: 1 });
try {
  await rec.recognize(readFileSync(join(values.images!, files[0]))); // warm-up: model load, worker start
  calls = 0; ocrMs = 0;
  const latencies: number[] = []; const perPhoto = new Map<number, number>();
  for (const f of files) {
    const before = calls; const t = performance.now();
    await rec.recognize(readFileSync(join(values.images!, f)));
    latencies.push(performance.now() - t);
    perPhoto.set(calls - before, (perPhoto.get(calls - before) ?? 0) + 1);
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const hist = [...perPhoto].sort((a, b) => a[0] - b[0]).map(([c, k]) => `${c}: ${k}`).join(', ');
  console.log(`${files.length} photos: p50 ${latencies[Math.floor(latencies.length / 2)].toFixed(0)} ms, mean ${mean.toFixed(0)} ms; ${calls} tesseract calls, ${(ocrMs / Math.max(1, calls)).toFixed(0)} ms each; photos by calls: ${hist}`);
} finally {
  await rec.close();
}
