/**
 * Trains (or retrains) the digit check of an existing model directory without touching its other
 * networks (run refit-fusion.ts afterwards: the fusion was fitted on the reads without it).
 *   npx tsx training/recognition/train-digit-check.ts [--model models/recognition] [--photos 600] [--workers N]
 * `cardrecycle train recognition` runs the same step (fit-digit-check.ts) on a fresh model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitDigitCheck } from './fit-digit-check.js';
import { defaultWorkers } from './render-pool.js';
import { writeModelCardMarkdown } from './model-card.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'models/recognition' }, photos: { type: 'string', default: '600' }, workers: { type: 'string', default: String(defaultWorkers()) },
} });
const fit = await fitDigitCheck(values.model!, { photos: Number(values.photos), workers: Number(values.workers), log: (m) => console.log(m) });
const meta = JSON.parse(readFileSync(join(values.model!, 'model.json'), 'utf8')) as ModelMeta;
writeModelCardMarkdown(values.model!, meta);
console.log(JSON.stringify(fit));
