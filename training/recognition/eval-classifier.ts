/**
 * Face-value accuracy of a model directory's classifier alone (no OCR) on a labelled photo folder,
 * with stage 2 cropping from the decoded photo as it is served:
 *   tsx training/recognition/eval-classifier.ts --model DIR --images DIR [--labels CSV] [--classifier MODE] [--no-sources]
 * --no-sources crops stage 2 from the 96-px letterbox instead (what a caller without the photo gets).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { argmax, expectedCalibrationError } from '../../src/recognition/calibration.js';
import { CARRIERS, DENOMINATIONS } from '../../src/recognition/classes.js';
import { readLabelsCsv } from '../../src/recognition/labels-csv.js';
import type { ServingMode } from '../../src/recognition/model-meta.js';
import { decodeImage, letterbox } from '../../src/recognition/preprocess.js';
import { createServedClassifier } from '../../src/recognition/served-classifier.js';

export interface ClassifierReport { n: number; accuracy: number; carrierAccuracy: number; denominationAccuracy: number; ece: number; serving: ServingMode; sources: boolean }

export async function evaluateClassifier(o: { model: string; images: string; labels?: string; serving?: ServingMode; sources?: boolean }): Promise<ClassifierReport> {
  const served = await createServedClassifier(o.model, o.serving);
  const rows = readLabelsCsv(o.labels ?? join(o.images, 'labels.csv'));
  const useSources = o.sources ?? true;
  let c = 0; let d = 0; let both = 0;
  const conf: number[] = []; const ok: boolean[] = [];
  try {
    for (const row of rows) {
      const image = await decodeImage(await readFile(join(o.images, row.file)));
      const lb = await letterbox(image);
      const [out] = await served.classifier.classify([lb.input], useSources ? [{ image, scale: lb.scale, padX: lb.padX, padY: lb.padY }] : undefined);
      const ci = CARRIERS[argmax(out.carrierProbs)] === row.carrier;
      const di = DENOMINATIONS[argmax(out.denomProbs)] === row.denomination;
      c += ci ? 1 : 0; d += di ? 1 : 0; both += ci && di ? 1 : 0;
      conf.push(Math.max(...out.carrierProbs) * Math.max(...out.denomProbs));
      ok.push(ci && di);
    }
  } finally {
    await served.close();
  }
  const n = rows.length;
  return { n, accuracy: both / n, carrierAccuracy: c / n, denominationAccuracy: d / n, ece: expectedCalibrationError(conf, ok), serving: served.serving, sources: useSources };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'models/recognition' }, images: { type: 'string' }, labels: { type: 'string' },
    classifier: { type: 'string' }, 'no-sources': { type: 'boolean', default: false } } });
  const r = await evaluateClassifier({ model: values.model!, images: values.images!, labels: values.labels, serving: values.classifier as ServingMode | undefined, sources: !values['no-sources'] });
  console.log(JSON.stringify(r));
}
