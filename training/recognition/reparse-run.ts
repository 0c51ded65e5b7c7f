/**
 * Parses the card numbers and PINs of saved development runs (dev-run.ts records) again with the
 * current vote (card-text.ts), and prints what it got right against what the runs recorded and the
 * photos it moved: a change to the vote is screened here in seconds, then confirmed by a real run.
 *   npx tsx training/recognition/reparse-run.ts runs/A.jsonl [runs/B.jsonl …]
 */
import { compareRuns, readRun, reparsed, summarise, type DevRecord } from './dev-run-report.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npx tsx training/recognition/reparse-run.ts RUN.jsonl [RUN.jsonl …]');
  process.exit(2);
}
for (const file of files) {
  let base: DevRecord[];
  try {
    base = readRun(file);
  } catch (e) {
    console.error(`${file}: not a development run (${e instanceof Error ? e.message : String(e)})`);
    process.exit(2);
  }
  const next = base.map(reparsed);
  const [b, s] = [summarise(base), summarise(next)];
  const differ = next.filter((r, i) => r.read?.serial !== base[i].read?.serial || r.read?.pin !== base[i].read?.pin).length;
  console.log(`${file}: card number ${b.right.serial} → ${s.right.serial}, revealed PIN ${b.right.pin} → ${s.right.pin}; ${differ} of ${base.length} photos read otherwise`);
  for (const c of compareRuns(base, next)) console.log(`  ${c.file} ${c.field} ${c.gained ? 'gained' : 'lost'}`);
}
