/**
 * The served pipeline on a development set (build-dev-set.ts; never an evaluation set), one JSON
 * line per photo with its labels, the result and every OCR read it was fused from:
 *   npx tsx training/recognition/dev-run.ts --images DIR --out runs/NAME.jsonl [--compare runs/BASE.jsonl] [--pin-misses]
 * Prints the face values, card numbers and revealed PINs it got right and the wrong face values it
 * did not flag for review; --compare lists the photos a change moved against an earlier run of the
 * same set, --pin-misses what the reads held where a revealed PIN was missed. The records hold the
 * synthetic cards' PINs, like the set's labels.csv: keep them beside the set, out of the repository.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRecognizer } from '../../src/recognition/recognizer.js';
import { readLabelsCsv } from '../../src/recognition/labels-csv.js';
import { progressBar } from '../../src/cli/output.js';
import { AppError } from '../../src/core/errors.js';
import { compareRuns, pinMisses, readRun, summarise, type DevRecord } from './dev-run-report.js';

const { values } = parseArgs({ options: {
  images: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' }, 'pin-misses': { type: 'boolean', default: false },
  model: { type: 'string', default: 'models/recognition' }, concurrency: { type: 'string', default: '2' },
} });
if (!values.images || !values.out) {
  console.error('usage: npx tsx training/recognition/dev-run.ts --images DIR --out FILE.jsonl [--compare BASE.jsonl] [--pin-misses]');
  process.exit(2);
}
const rows = (() => {
  try {
    return readLabelsCsv(join(values.images!, 'labels.csv'));
  } catch (e) {
    console.error(e instanceof AppError ? e.detail : String(e));
    process.exit(2);
  }
})();
// Tuning on the evaluation photos would make their figures mean nothing: a folder holding any of
// their cards (the committed evaluation labels) is refused, as is the calibration set's folder.
const evaluated = new Set(['eval-hard', 'eval-standard'].flatMap((k) => {
  const path = join('datasets/recognition', `${k}.labels.csv`);
  return existsSync(path) ? readLabelsCsv(path).map((r) => r.serial) : [];
}));
if (basename(resolve(values.images)) === 'calibration' || rows.some((r) => r.serial !== null && evaluated.has(r.serial))) {
  console.error(`${values.images} is an evaluation or calibration set: run development sets (build-dev-set.ts)`);
  process.exit(2);
}

const rec = await createRecognizer({ modelDir: values.model, ocr: true });
const records: DevRecord[] = new Array(rows.length);
const bar = progressBar('dev run', rows.length);
let next = 0; let done = 0;
try {
  // The OCR pool has a worker per core: keep that many photos in flight.
  await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const { file, ...truth } = rows[i];
      try {
        const a = await rec.analyze(await readFile(join(values.images!, file)));
        records[i] = { file, truth, read: { carrier: a.carrier, denomination: a.denomination, confidence: a.confidence, needsReview: a.needsReview, serial: a.serial, pin: a.pin, serialConfidence: a.serialConfidence, pinConfidence: a.pinConfidence, ocrReads: a.ocrReads ?? [] } };
      } catch (e) {
        records[i] = { file, truth, error: e instanceof Error ? e.message : String(e) };
      }
      bar.update(++done);
    }
  }));
} finally {
  bar.stop();
  await rec.close();
}
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

const s = summarise(records);
console.log(`${values.images}: ${s.photos} photos${s.failures ? `, ${s.failures} failed` : ''}`);
console.log(`  face value ${s.right.faceValue}/${s.of.faceValue}, card number ${s.right.serial}/${s.of.serial}, revealed PIN ${s.right.pin}/${s.of.pin}`);
console.log(`  wrong face values not flagged for review: ${s.confidentlyWrong.length ? s.confidentlyWrong.join(' ') : 'none'}`);
console.log(`  PINs wrong or made up and not flagged for review: ${s.pinsWrongUnflagged.length ? s.pinsWrongUnflagged.join(' ') : 'none'}`);
if (values.compare) {
  const base = readRun(values.compare);
  const changes = compareRuns(base, records);
  const files = new Set(records.map((r) => r.file));
  const b = summarise(base.filter((r) => files.has(r.file)));
  console.log(`against ${values.compare}: face value ${b.right.faceValue} → ${s.right.faceValue}, card number ${b.right.serial} → ${s.right.serial}, revealed PIN ${b.right.pin} → ${s.right.pin}`);
  for (const c of changes) console.log(`  ${c.file} ${c.field} ${c.gained ? 'gained' : 'lost'}`);
}
if (values['pin-misses']) {
  console.log('revealed PINs missed:');
  for (const m of pinMisses(records)) console.log(`  ${m.kind}: ${m.files.length} (card number right on ${m.serialRight}) ${m.files.join(' ')}`);
}
