/**
 * Recognition latency / throughput:
 *   npx tsx bench/recognition.ts [--images DIR] [--n 40] [--ocr-n 12] [--face-only] [--json]
 * Face value alone (decode → letterbox → classifier) and the full result with OCR, each on one core
 * (sequential, 1 OCR worker) and on all cores (concurrency = cores, one OCR worker per core).
 * cpuMsPerImage: the process's CPU time (all threads: libvips, onnxruntime, OCR workers) over the
 * timed loop per image, less sensitive than wall-clock latency to other load on the machine.
 * ocrCallsPerImage (and, one image at a time, how many images took 1, 2, … calls): tesseract calls,
 * which do not depend on the machine's load, so they tell whether a change to the read checks saves
 * OCR work where latency runs are too noisy to.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createRecognizer } from '../src/recognition/index.js';
import { OcrPool } from '../src/recognition/ocr-pool.js';
import { renderPhoto } from '../training/recognition/photo.js';

const { values } = parseArgs({ options: {
  images: { type: 'string', default: 'datasets/generated/recognition/eval-standard' },
  model: { type: 'string', default: 'models/recognition' },
  n: { type: 'string', default: '40' }, 'ocr-n': { type: 'string', default: '12' }, 'face-only': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} });
sharp.concurrency(1); // one libvips thread per operation: "one core" means one core

async function loadImages(n: number): Promise<Buffer[]> {
  if (existsSync(values.images!)) {
    const files = readdirSync(values.images!).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().slice(0, n);
    if (files.length > 0) return files.map((f) => readFileSync(join(values.images!, f)));
  }
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push((await renderPhoto(900_001, i, { split: 'holdout', difficulty: 'standard', longSide: 1600, balanced: true })).image);
  return out;
}

interface Stats {
  p50Ms: number; p99Ms: number; meanMs: number; imagesPerSecond: number; cpuMsPerImage: number; ocrCallsPerImage: number;
  /** One image at a time only: images by the tesseract calls each took. */
  imagesByOcrCalls?: Record<number, number>;
  n: number; concurrency: number; loadAverage: number;
}

// Counted by wrapping the pool's one read method: the pipeline itself stays as served.
let ocrCalls = 0;
const readLines = OcrPool.prototype.readLines;
OcrPool.prototype.readLines = function (this: OcrPool, ...args: Parameters<OcrPool['readLines']>) {
  ocrCalls++;
  return readLines.apply(this, args);
};

async function run(images: Buffer[], concurrency: number, fn: (b: Buffer) => Promise<unknown>): Promise<Stats> {
  await fn(images[0]); // warm-up (model load, OCR worker start)
  const lat: number[] = [];
  const byCalls: Record<number, number> = {};
  let next = 0;
  const calls0 = ocrCalls;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < images.length) {
      const img = images[next++];
      const t = performance.now(); const c = ocrCalls;
      await fn(img);
      lat.push(performance.now() - t);
      byCalls[ocrCalls - c] = (byCalls[ocrCalls - c] ?? 0) + 1;
    }
  }));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { p50Ms: Number(q(0.5).toFixed(1)), p99Ms: Number(q(0.99).toFixed(1)), meanMs: Number((lat.reduce((a, b) => a + b, 0) / lat.length).toFixed(1)),
    imagesPerSecond: Number((images.length / wall).toFixed(2)), cpuMsPerImage: Number(((cpu.user + cpu.system) / 1000 / images.length).toFixed(1)),
    ocrCallsPerImage: Number(((ocrCalls - calls0) / images.length).toFixed(2)),
    // With more images in flight, a call cannot be told to its image.
    ...(concurrency === 1 ? { imagesByOcrCalls: byCalls } : {}),
    n: images.length, concurrency, loadAverage: Number(loadavg()[0].toFixed(2)) };
}

const cores = availableParallelism();
const images = await loadImages(Number(values.n));
const faceOnly = await createRecognizer({ modelDir: values.model, ocr: false });
const report: Record<string, Stats> = {};
report.faceValueOneCore = await run(images, 1, (b) => faceOnly.recognize(b));
report.faceValueAllCores = await run(images, cores, (b) => faceOnly.recognize(b));
await faceOnly.close();
if (!values['face-only']) {
  const ocrImages = images.slice(0, Number(values['ocr-n']));
  const full1 = await createRecognizer({ modelDir: values.model, ocr: true, ocrWorkers: 1 });
  report.fullOneCore = await run(ocrImages, 1, (b) => full1.recognize(b));
  await full1.close();
  const fullN = await createRecognizer({ modelDir: values.model, ocr: true, ocrWorkers: cores });
  report.fullAllCores = await run(ocrImages, cores, (b) => fullN.recognize(b));
  await fullN.close();
}

if (values.json) {
  console.log(JSON.stringify({ cores, ...report }));
} else {
  console.log(`cores: ${cores}`);
  for (const [k, s] of Object.entries(report)) {
    const calls = s.ocrCallsPerImage > 0 ? `  OCR calls ${s.ocrCallsPerImage}/image${s.imagesByOcrCalls ? ` (images by calls: ${Object.entries(s.imagesByOcrCalls).map(([c, k]) => `${c}: ${k}`).join(', ')})` : ''}` : '';
    console.log(`${k.padEnd(18)} p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  mean ${s.meanMs} ms  ${s.imagesPerSecond} images/s  CPU ${s.cpuMsPerImage} ms/image${calls}  (n=${s.n}, concurrency ${s.concurrency}, load ${s.loadAverage})`);
  }
}
