/**
 * Analyst report for recognition evaluations (the "notebook"): loads `eval recognition --json`
 * outputs and renders an HTML page with the confusion matrix, per-class accuracy and thumbnails of
 * the misrecognised photos.
 *   npx tsx notebooks/recognition-report.ts --eval hard=datasets/recognition/eval-hard.json:datasets/generated/recognition/eval-hard \
 *     [--eval standard=…] [--out notebooks/recognition-report.html]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { EvaluationReport } from '../src/recognition/evaluate.js';

const { values } = parseArgs({ options: { eval: { type: 'string', multiple: true, default: [] }, out: { type: 'string', default: 'notebooks/recognition-report.html' }, 'max-errors': { type: 'string', default: '24' } } });

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function confusionTable(r: EvaluationReport): string {
  const max = Math.max(1, ...r.confusion.matrix.flat());
  const head = `<tr><th>true \\ predicted</th>${r.confusion.labels.map((l) => `<th class="rot">${l}</th>`).join('')}</tr>`;
  const rows = r.confusion.matrix.map((row, i) => `<tr><th>${r.confusion.labels[i]}</th>${row.map((v, j) => {
    const a = v / max;
    const colour = i === j ? `rgba(30,130,60,${0.15 + 0.85 * a})` : v > 0 ? `rgba(200,40,40,${0.25 + 0.75 * a})` : 'transparent';
    return `<td style="background:${colour}">${v || ''}</td>`;
  }).join('')}</tr>`).join('');
  return `<table class="cm">${head}${rows}</table>`;
}

async function thumbs(r: EvaluationReport, dir: string | undefined): Promise<string> {
  const items: string[] = [];
  for (const e of r.errors.slice(0, Number(values['max-errors']))) {
    let img = '';
    const path = dir ? join(dir, e.file) : '';
    if (path && existsSync(path)) {
      const t = await sharp(path).rotate().resize(240, 240, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer();
      img = `<img src="data:image/jpeg;base64,${t.toString('base64')}">`;
    }
    items.push(`<figure>${img}<figcaption>${esc(e.file)}<br>true <b>${e.expected}</b> → <b>${e.predicted}</b> (${e.confidence.toFixed(2)})</figcaption></figure>`);
  }
  return items.length ? `<div class="grid">${items.join('')}</div>` : '<p>No misrecognised images.</p>';
}

const sections: string[] = [];
for (const spec of values.eval ?? []) {
  const [name, rest] = spec.split('=');
  const [jsonPath, imagesDir] = rest.split(':');
  const r = JSON.parse(readFileSync(jsonPath, 'utf8')) as EvaluationReport;
  const ocr = r.ocr ? `, card number exact ${r.ocr.serialExact.toFixed(4)} (n=${r.ocr.serialN}), PIN exact ${r.ocr.pinExact.toFixed(4)} (n=${r.ocr.pinN})` : '';
  const perClass = Object.entries(r.perClass).map(([k, v]) => `<tr><td>${k}</td><td>${v.n}</td><td>${v.accuracy.toFixed(3)}</td></tr>`).join('');
  sections.push(`<h2>${esc(name)}</h2>
<p>n=${r.n}, face-value accuracy <b>${r.accuracy.toFixed(4)}</b> (carrier ${r.carrierAccuracy.toFixed(4)}, denomination ${r.denominationAccuracy.toFixed(4)}), ECE ${r.ece.toFixed(4)}, needsReview ${r.needsReviewRate.toFixed(3)}, accuracy when not flagged ${r.accuracyWhenConfident.toFixed(4)}${ocr}. Model ${esc(r.modelVersion)}.</p>
<h3>Confusion matrix</h3>${confusionTable(r)}
<h3>Per class</h3><table class="pc"><tr><th>class</th><th>n</th><th>accuracy</th></tr>${perClass}</table>
<h3>Misrecognised images (first ${values['max-errors']})</h3>${await thumbs(r, imagesDir)}`);
}
const html = `<!doctype html><meta charset="utf-8"><title>Recognition evaluation</title>
<style>body{font-family:sans-serif;margin:2em}table.cm{border-collapse:collapse;font-size:11px}table.cm td,table.cm th{border:1px solid #ddd;padding:2px 4px;text-align:center}th.rot{writing-mode:vertical-rl}table.pc{border-collapse:collapse;font-size:12px}table.pc td{border-bottom:1px solid #eee;padding:1px 8px}.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;width:240px;font-size:11px}</style>
<h1>Card recognition: evaluation report</h1><p>Generated ${new Date().toISOString()} by notebooks/recognition-report.ts.</p>${sections.join('\n')}`;
writeFileSync(values.out!, html);
console.log(`wrote ${values.out}`);
