/**
 * CLI: `recognize FILE...`, `train recognition`, `eval recognition`. Thin wrappers over the
 * recognition facade and the training pipeline; failures throw (the main prints one line, exits 1).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { AppError } from '../../core/errors.js';
import { createRecognizer, evaluateRecognition } from '../../recognition/index.js';
import type { ServingMode } from '../../recognition/model-meta.js';
import { availableParallelism } from 'node:os';

const defaultWorkers = (): number => Math.max(1, availableParallelism());

function progress(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {eta}s`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) { bar.start(total, 0); started = true; }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() { if (started) bar.stop(); },
  };
}

const print = (json: boolean, value: unknown, human: string) => process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);

export function registerRecognitionCommands(program: Command, groups: { train: Command; eval: Command }): void {
  program.command('recognize')
    .description('recognise photographed recharge cards (carrier, face value, card number, masked PIN)')
    .argument('<files...>', 'JPEG / PNG / WebP photos')
    .option('--model <dir>', 'model directory', 'models/recognition')
    .option('--no-ocr', 'face value only (skip reading the card number and PIN)')
    .option('--json', 'one JSON document per line')
    .action(async (files: string[], opts: { model: string; ocr: boolean; json?: boolean }) => {
      const recognizer = await createRecognizer({ modelDir: opts.model, ocr: opts.ocr });
      let failed = 0;
      try {
        for (const file of files) {
          try {
            const r = await recognizer.recognize(await readFile(file));
            print(!!opts.json, { file, ...r },
              `${file}: ${r.carrier} ${r.denomination} yuan (confidence ${r.confidence.toFixed(3)}) serial ${r.serial ?? '-'} pin ${r.pinMasked ?? '-'}${r.needsReview ? ' NEEDS REVIEW' : ''}`);
          } catch (e) {
            failed++;
            const code = e instanceof AppError ? e.code : 'read_failed';
            const detail = e instanceof Error ? e.message : String(e);
            print(!!opts.json, { file, error: { code, detail } }, `${file}: error ${code}: ${detail}`);
          }
        }
      } finally {
        await recognizer.close();
      }
      if (failed > 0) throw new AppError('recognition_failed', 422, 'Unprocessable content', { detail: `${failed} of ${files.length} images could not be recognised` });
    });

  groups.train.command('recognition')
    .description('from scratch: render photos, train both CNN stages (tfjs wasm) and the SVM, calibrate, export ONNX, train the OCR digit check and the line reader, fit the OCR fusion, gate on the hard set')
    .option('--data <dir>', 'not used by recognition: its training photos are rendered from --seed on every run')
    .option('--out <dir>', 'model directory to write', 'models/recognition')
    .option('--seed <n>', 'data and initialisation seed', '1')
    .option('--epochs <n>', 'epoch cap per CNN stage (the time budget usually binds first)', '20')
    .option('--samples <n>', 'training photos to render', '2000')
    .option('--max-minutes <n>', 'training time budget per CNN stage (the stages train at the same time)', '5.5')
    .option('--synthetic-patches <n>', 'synthetic face-value patches per training photo mixed into stage 2 (half of each batch; 0: photos only)', '0')
    .option('--workers <n>', 'render processes, photos in flight while fitting the OCR fusion, and the processes that share each batch of the line and value readers\' training; the two CNN stages always train in two processes', String(defaultWorkers()))
    .option('--calibration-photos <n>', 'photos for fitting the OCR-fusion calibration (temperatures and confidence map)', '240')
    .option('--digit-photos <n>', 'photos whose number lines\' glyphs train the OCR digit check (0: no digit check)', '300')
    .option('--line-photos <n>', 'photos whose number lines train the line reader (0: no line reader; default: LINE_PHOTOS of training/recognition/fit-line-reader.ts)')
    .option('--line-epochs <n>', 'line reader training epochs (default: LINE_EPOCHS of fit-line-reader.ts)')
    .option('--hard <dir>', 'hard evaluation set (built when missing)', 'datasets/generated/recognition/eval-hard')
    .option('--no-gate', 'keep the model even when it misses the 98% hard-set gate')
    .option('--no-gate-ocr', 'gate on the classifier alone (seconds, no OCR) instead of the served pipeline with OCR (2.5–4 minutes); the classifier alone reads no print and stays under the gate')
    .option('--json', 'machine output')
    .action(async (opts: { data?: string; out: string; seed: string; epochs: string; samples: string; maxMinutes: string; syntheticPatches: string; workers: string; calibrationPhotos: string; digitPhotos: string; linePhotos?: string; lineEpochs?: string; hard: string; gate: boolean; gateOcr: boolean; json?: boolean }) => {
      const { trainAndGate, HARD_GATE } = await import('../../../training/recognition/train-and-gate.js');
      const log = (m: string) => { if (!opts.json && !process.stderr.isTTY) process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`); };
      if (opts.data) log('--data is not used by train recognition: training photos are rendered from --seed');
      const bar = progress('train');
      try {
        const report = await trainAndGate({
          outDir: opts.out, seed: Number(opts.seed), epochs: Number(opts.epochs), samples: Number(opts.samples), maxMinutes: Number(opts.maxMinutes),
          syntheticPerPhoto: Math.max(0, Number(opts.syntheticPatches) || 0),
          workers: Math.max(1, Number(opts.workers)), calibrationPhotos: Number(opts.calibrationPhotos), digitPhotos: Math.max(0, Number(opts.digitPhotos) || 0),
          linePhotos: opts.linePhotos === undefined ? undefined : Math.max(0, Number(opts.linePhotos) || 0),
          lineEpochs: opts.lineEpochs === undefined ? undefined : Math.max(1, Number(opts.lineEpochs) || 1), hardDir: opts.hard, gate: opts.gate, gateOcr: opts.gateOcr,
          log, onStep: (d, t) => bar.update(d, t),
        });
        bar.stop();
        print(!!opts.json, report, `model ${report.version} in ${report.wallClockSeconds} s: hard set ${report.hardClassifierOnly.accuracy.toFixed(4)} classifier alone${report.hardPipeline ? `, ${report.hardPipeline.accuracy.toFixed(4)} with OCR` : ''}, serving ${report.serving}${report.promoted ? ` → ${report.outDir}` : ' (NOT promoted)'}`);
        if (!report.promoted) throw new AppError('model_gate_failed', 422, 'Unprocessable content', { detail: `hard-set accuracy (${report.gatedOn === 'pipeline' ? 'served pipeline with OCR' : 'classifier alone'}) ${report.gatedAccuracy.toFixed(4)} is below the ${HARD_GATE} gate; the previous model was kept (use --no-gate to keep it anyway)` });
      } finally {
        bar.stop();
      }
    });

  groups.eval.command('recognition')
    .description('evaluate recognition on a folder of photos with a labels CSV (file,carrier,denomination[,serial,pin])')
    .requiredOption('--images <dir>', 'folder of images')
    .requiredOption('--labels <csv>', 'labels CSV')
    .option('--model <dir>', 'model directory', 'models/recognition')
    .option('--no-ocr', 'face value only (much faster; no "ocr" section)')
    .option('--classifier <kind>', 'cnn | svm | ensemble | two-stage | two-stage-ensemble (default: what the model card chose)')
    .option('--json', 'machine output')
    .action(async (opts: { images: string; labels: string; model: string; ocr: boolean; classifier?: ServingMode; json?: boolean }) => {
      if (!existsSync(opts.images)) throw new AppError('images_not_found', 404, 'Not found', { detail: `no such folder ${opts.images}` });
      const recognizer = await createRecognizer({ modelDir: opts.model, ocr: opts.ocr, classifier: opts.classifier });
      const bar = progress('eval');
      try {
        const report = await evaluateRecognition({ recognizer, imagesDir: opts.images, labelsCsv: opts.labels, ocr: opts.ocr, onProgress: (d, t) => bar.update(d, t) });
        bar.stop();
        const ocr = report.ocr ? `, serial exact ${report.ocr.serialExact.toFixed(4)}, PIN exact ${report.ocr.pinExact.toFixed(4)} (unoccluded ${report.ocr.pinUnoccludedExact.toFixed(4)}, n=${report.ocr.pinUnoccludedN}; when not flagged ${report.ocr.pinExactWhenConfident.toFixed(4)}, n=${report.ocr.pinConfidentN})` : '';
        print(!!opts.json, report, `${basename(opts.images)}: n=${report.n} accuracy ${report.accuracy.toFixed(4)} (carrier ${report.carrierAccuracy.toFixed(4)}, face value ${report.denominationAccuracy.toFixed(4)}), ECE ${report.ece.toFixed(4)}${ocr}; ${report.failures.length} unreadable; errors: ${report.errors.slice(0, 5).map((e) => `${e.file} ${e.expected}→${e.predicted}`).join(', ')}`);
      } finally {
        bar.stop();
        await recognizer.close();
      }
    });
}
