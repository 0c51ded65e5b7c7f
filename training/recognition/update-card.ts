/**
 * Records evaluation summaries in model.json's card and re-renders MODEL_CARD.md:
 *   tsx training/recognition/update-card.ts --model DIR name=report.json ...
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeModelCardMarkdown } from './model-card.js';
import type { ModelMeta } from '../../src/recognition/model-meta.js';
import type { EvaluationReport } from '../../src/recognition/evaluate.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string', default: 'models/recognition' } } });
const path = join(values.model!, 'model.json');
const meta = JSON.parse(readFileSync(path, 'utf8')) as ModelMeta;
const evaluation: Record<string, unknown> = { ...(meta.card.evaluation as object | undefined), date: new Date().toISOString() };
for (const p of positionals) {
  const [name, file] = p.split('=');
  const r = JSON.parse(readFileSync(file, 'utf8')) as EvaluationReport;
  evaluation[name] = { n: r.n, accuracy: r.accuracy, carrierAccuracy: r.carrierAccuracy, denominationAccuracy: r.denominationAccuracy, ece: r.ece, needsReviewRate: r.needsReviewRate, accuracyWhenConfident: r.accuracyWhenConfident, ocr: r.ocr };
}
meta.card.evaluation = evaluation;
writeFileSync(path, JSON.stringify(meta, null, 2));
writeModelCardMarkdown(values.model!, meta);
console.log('updated', path);
