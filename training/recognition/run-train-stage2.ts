/** Background entry point: tsx training/recognition/run-train-stage2.ts --epochs 4 --max-minutes 25 --out DIR */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initTf } from './tf-setup.js';
import { trainStage2, STAGE2 } from './train-stage2.js';
import { saveTfjsModel } from './tfjs-io.js';
import { exportOnnx } from './onnx-export.js';
import { loadOrRenderTraining } from './train-models.js';
import { INPUT_SIZE } from '../../src/recognition/preprocess.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'datasets/generated/recognition' }, out: { type: 'string', default: '/tmp/recog-stage2' },
  seed: { type: 'string', default: '1' }, epochs: { type: 'string', default: '4' }, 'max-minutes': { type: 'string', default: '25' },
} });
const log = (m: string) => console.log(new Date().toISOString(), m);
await initTf('wasm');
const all = await loadOrRenderTraining({ dataDir: values.data!, outDir: values.out!, seed: Number(values.seed), epochs: 1, samples: 14000, maxMinutes: 1, log });
const nVal = Math.min(Math.floor(all.n / 4), Math.max(200, Math.round(all.n * 0.05)));
const S3 = INPUT_SIZE * INPUT_SIZE * 3;
const train = { n: all.n - nVal, x: all.x.subarray(0, (all.n - nVal) * S3), carrier: all.carrier.subarray(0, all.n - nVal), denom: all.denom.subarray(0, all.n - nVal), corners: all.corners.subarray(0, (all.n - nVal) * 8) };
const r = await trainStage2({ train, epochs: Number(values.epochs), seed: Number(values.seed), maxSeconds: Number(values['max-minutes']) * 60, log });
log(`stage2 trained: ${r.steps} steps, ${r.epochsRun.toFixed(2)} epochs, ${r.seconds.toFixed(0)} s`);
mkdirSync(values.out!, { recursive: true });
await saveTfjsModel(r.model, join(values.out!, 'tfjs-stage2'));
exportOnnx(r.model, join(values.out!, 'card-cnn.onnx'), [STAGE2.height, STAGE2.width]);
log('saved');
