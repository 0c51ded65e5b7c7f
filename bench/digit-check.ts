/**
 * What the digit check (src/recognition/digit-check.ts) does to tesseract's digits on a labelled
 * folder of photos (development sets, never the evaluation sets, when tuning it):
 *   npx tsx bench/digit-check.ts --images DIR [--model models/recognition] [--cache FILE] [--sweep] [--json]
 * Every number line read at the length of the card's number or PIN is cut into glyphs as serving
 * sees them (training/recognition/harvest-glyphs.ts); the script prints the digits tesseract got
 * wrong, those the check mends and breaks, and the read lines it makes right or wrong. `--cache`
 * keeps the harvested glyphs (the OCR is the slow part); `--sweep` also tries other settings.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeGlyphs, encodeGlyphs, HARVEST_STYLES, harvestFolder, type Glyph } from '../training/recognition/harvest-glyphs.js';
import { defaultWorkers } from '../training/recognition/render-pool.js';
import { checkLineDigits, DIGIT_CHECK, loadDigitNet } from '../src/recognition/digit-check.js';
import { glyphFeatures } from '../src/recognition/digit-glyph.js';
import { digitProbs } from '../src/recognition/digit-net.js';

const { values } = parseArgs({ options: {
  images: { type: 'string' }, model: { type: 'string', default: 'models/recognition' }, cache: { type: 'string' },
  sweep: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
} });
if (!values.images) throw new Error('--images DIR (a folder of photos with labels.csv) is required');
const net = loadDigitNet(values.model!);
if (!net) throw new Error(`${values.model} has no digit network; train it with training/recognition/train-digit-check.ts`);

let glyphs: Glyph[];
if (values.cache && existsSync(`${values.cache}.bin`)) {
  glyphs = decodeGlyphs(readFileSync(`${values.cache}.bin`), readFileSync(`${values.cache}.json`, 'utf8'));
} else {
  let done = 0;
  glyphs = await harvestFolder(values.images, values.model!, Object.keys(HARVEST_STYLES), defaultWorkers(), () => { if (++done % 50 === 0) process.stderr.write(`${done} photos\n`); });
  if (values.cache) { const e = encodeGlyphs(glyphs); writeFileSync(`${values.cache}.bin`, e.cells); writeFileSync(`${values.cache}.json`, e.index); }
}

const features = glyphs.map((g) => glyphFeatures(g.cell, g.aspect));
const lines = new Map<string, number[]>();
glyphs.forEach((g, i) => { const k = `${g.photo}/${g.style}/${g.line}`; lines.set(k, [...(lines.get(k) ?? []), i]); });
const networkAlone = glyphs.filter((g, i) => { const p = digitProbs(net, features[i]); return p.indexOf(Math.max(...p)) === g.truth; }).length;

function measure(settings: typeof DIGIT_CHECK) {
  let mended = 0; let broken = 0; let linesMended = 0; let linesBroken = 0;
  for (const idx of lines.values()) {
    const checked = checkLineDigits(net!, idx.map((i) => ({ read: glyphs[i].read, features: () => features[i] })), settings);
    idx.forEach((i, k) => {
      if (checked[k] === glyphs[i].read) return;
      if (checked[k] === glyphs[i].truth) mended++; else if (glyphs[i].read === glyphs[i].truth) broken++;
    });
    const before = idx.every((i) => glyphs[i].read === glyphs[i].truth);
    const after = idx.every((i, k) => checked[k] === glyphs[i].truth);
    if (after && !before) linesMended++;
    if (before && !after) linesBroken++;
  }
  return { settings, mended, broken, linesMended, linesBroken };
}

const report = {
  images: values.images, glyphs: glyphs.length, lines: lines.size, tesseractWrong: glyphs.filter((g) => g.read !== g.truth).length,
  networkAloneAccuracy: Number((networkAlone / glyphs.length).toFixed(4)),
  check: measure(DIGIT_CHECK),
  ...(values.sweep ? { sweep: [2, 2.5, 3].flatMap((temperature) => [1, 5].flatMap((minSlips) => [2, 99].map((maxChanges) => measure({ temperature, minSlips, maxChanges })))) } : {}),
};
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`${report.glyphs} digits on ${report.lines} read lines; tesseract wrong on ${report.tesseractWrong}; the network alone right on ${(100 * report.networkAloneAccuracy).toFixed(2)}%`);
  for (const m of [report.check, ...(report.sweep ?? [])]) {
    console.log(`temperature ${m.settings.temperature}, min slips ${m.settings.minSlips}, max changes ${m.settings.maxChanges}: digits mended ${m.mended}, broken ${m.broken}; lines mended ${m.linesMended}, broken ${m.linesBroken}`);
  }
}
