/**
 * Fits the post-OCR-fusion temperatures on calibration photos (training designs, own seed) and
 * stores them in model.json: tsx training/recognition/fit-fusion.ts [--model DIR] [--images DIR]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRecognizer } from '../../src/recognition/recognizer.js';
import { readLabelsCsv } from '../../src/recognition/labels-csv.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import { fitTemperature, expectedCalibrationError, argmax } from '../../src/recognition/calibration.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'models/recognition' }, images: { type: 'string', default: 'datasets/generated/recognition/calibration' } } });
const metaPath = join(values.model!, 'model.json');
const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
delete meta.ocrFusion;
writeFileSync(metaPath, JSON.stringify(meta, null, 2));
const rec = await createRecognizer({ modelDir: values.model, ocr: true });
const rows = readLabelsCsv(join(values.images!, 'labels.csv'));
const cl: number[][] = []; const dl: number[][] = []; const cy: number[] = []; const dy: number[] = [];
for (const r of rows) {
  const a = await rec.analyze(readFileSync(join(values.images!, r.file)));
  cl.push(a.carrierProbs.map((p) => Math.log(Math.max(p, 1e-9))));
  dl.push(a.denomProbs.map((p) => Math.log(Math.max(p, 1e-9))));
  cy.push(CARRIERS.indexOf(r.carrier));
  dy.push(DENOMINATIONS.indexOf(r.denomination));
}
await rec.close();
const tC = fitTemperature(cl, cy);
const tD = fitTemperature(dl, dy);
meta.ocrFusion = { carrierTemperature: tC, denomTemperature: tD };
const acc = cl.filter((l, i) => argmax(l) === cy[i] && argmax(dl[i]) === dy[i]).length / cl.length;
meta.card.calibrationPhotos = { dir: values.images, n: rows.length, fullPipelineAccuracy: acc, carrierTemperature: tC, denomTemperature: tD,
  eceBefore: expectedCalibrationError(cl.map((l, i) => Math.exp(Math.max(...l)) * Math.exp(Math.max(...dl[i]))), cl.map((l, i) => argmax(l) === cy[i] && argmax(dl[i]) === dy[i])) };
writeFileSync(metaPath, JSON.stringify(meta, null, 2));
console.log(JSON.stringify(meta.ocrFusion), 'accuracy', acc);
