/**
 * Analyst notebook for recognition evaluations: loads `eval recognition --json` outputs and shows
 * the confusion matrix, per-class accuracy and thumbnails of the misrecognised photos. Writes
 * notebooks/recognition.ipynb (Jupyter, one cell per `// N.` section below, outputs embedded) and
 * notebooks/recognition-report.html.
 *   npx tsx notebooks/recognition-report.ts --eval hard=datasets/recognition/eval-hard.json:datasets/generated/recognition/eval-hard \
 *     [--eval standard=…] [--out notebooks/recognition-report.html]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { EvaluationReport } from '../src/recognition/evaluate.js';
import { buildNotebook, splitSections, type CellOutput } from './ipynb.js';

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
const outputs = new Map<number, CellOutput[]>();
const show = (section: number, o: CellOutput) => outputs.set(section, [...(outputs.get(section) ?? []), o]);
const sets = (values.eval ?? []).map((spec) => {
  const [name, rest] = spec.split('=');
  const [jsonPath, imagesDir] = rest!.split(':');
  return { name: name!, imagesDir, report: JSON.parse(readFileSync(jsonPath!, 'utf8')) as EvaluationReport };
});

// 1. Load the evaluation outputs and summarise each set.
for (const { name, report: r } of sets) {
  const ocr = r.ocr ? `, card number exact ${r.ocr.serialExact.toFixed(4)} (n=${r.ocr.serialN}), PIN exact ${r.ocr.pinExact.toFixed(4)} (n=${r.ocr.pinN}; ${r.ocr.pinUnoccludedExact?.toFixed(4) ?? '–'} over the ${r.ocr.pinUnoccludedN ?? '–'} no object covers; ${r.ocr.pinExactWhenConfident?.toFixed(4) ?? '–'} over the ${r.ocr.pinConfidentN ?? '–'} not flagged for review)` : '';
  const line = `n=${r.n}, face-value accuracy ${r.accuracy.toFixed(4)} (carrier ${r.carrierAccuracy.toFixed(4)}, denomination ${r.denominationAccuracy.toFixed(4)}), ECE ${r.ece.toFixed(4)}, needsReview ${r.needsReviewRate.toFixed(3)}, accuracy when not flagged ${r.accuracyWhenConfident.toFixed(4)}${ocr}. Model ${r.modelVersion}.`;
  sections.push(`<h2>${esc(name)}</h2><p>${esc(line)}</p>`);
  show(1, { kind: 'table', html: `<p><b>${esc(name)}</b>: ${esc(line)}</p>`, text: `${name}: ${line}` });
}

// 2. Confusion matrix (rows: true class, columns: predicted).
for (const { name, report: r } of sets) {
  const table = confusionTable(r);
  sections.push(`<h3>${esc(name)}: confusion matrix</h3>${table}`);
  show(2, { kind: 'table', html: `<h4>${esc(name)}</h4>${table}`, text: `${name}: ${r.confusion.labels.length}×${r.confusion.labels.length} confusion matrix` });
}

// 3. Accuracy per class.
for (const { name, report: r } of sets) {
  const rows = Object.entries(r.perClass).map(([k, v]) => `<tr><td>${k}</td><td>${v.n}</td><td>${v.accuracy.toFixed(3)}</td></tr>`).join('');
  const table = `<table class="pc"><tr><th>class</th><th>n</th><th>accuracy</th></tr>${rows}</table>`;
  sections.push(`<h3>${esc(name)}: per class</h3>${table}`);
  show(3, { kind: 'table', html: `<h4>${esc(name)}</h4>${table}`, text: Object.entries(r.perClass).map(([k, v]) => `${k} ${v.accuracy.toFixed(3)} (n=${v.n})`).join('\n') });
}

// 4. The misrecognised photos, with what was expected and what was read.
for (const { name, report: r, imagesDir } of sets) {
  sections.push(`<h3>${esc(name)}: misrecognised images (first ${values['max-errors']})</h3>${await thumbs(r, imagesDir)}`);
  for (const e of r.errors.slice(0, Number(values['max-errors']))) {
    const path = imagesDir ? join(imagesDir, e.file) : '';
    if (!path || !existsSync(path)) continue;
    const png = await sharp(path).rotate().resize(240, 240, { fit: 'inside' }).png({ palette: true }).toBuffer();
    show(4, { kind: 'figure', caption: `${name} ${e.file}: true ${e.expected} → read ${e.predicted} (confidence ${e.confidence.toFixed(2)})`, png });
  }
}

// 5. Write the HTML report and the Jupyter notebook.
const html = `<!doctype html><meta charset="utf-8"><title>Recognition evaluation</title>
<style>body{font-family:sans-serif;margin:2em}table.cm{border-collapse:collapse;font-size:11px}table.cm td,table.cm th{border:1px solid #ddd;padding:2px 4px;text-align:center}th.rot{writing-mode:vertical-rl}table.pc{border-collapse:collapse;font-size:12px}table.pc td{border-bottom:1px solid #eee;padding:1px 8px}.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;width:240px;font-size:11px}</style>
<h1>Card recognition: evaluation report</h1><p>Generated ${new Date().toISOString()} by notebooks/recognition-report.ts.</p>${sections.join('\n')}`;
writeFileSync(values.out!, html);
const intro = `# Card recognition: evaluation notebook\n\n${sets.map((x) => `- **${x.name}**: face value ${x.report.accuracy.toFixed(4)}, model \`${x.report.modelVersion}\``).join('\n')}\n\nGenerated by \`npx tsx notebooks/recognition-report.ts\` (the code cells are that script's sections, the outputs are from its last run).`;
writeFileSync('notebooks/recognition.ipynb', buildNotebook(intro, splitSections(readFileSync(fileURLToPath(import.meta.url), 'utf8')), outputs));
console.log(`wrote ${values.out} and notebooks/recognition.ipynb`);
