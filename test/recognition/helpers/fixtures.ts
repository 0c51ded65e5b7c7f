/** Small labelled photo folders rendered on the fly from held-out designs (deterministic). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderPhoto, type PhotoSample } from '../../../training/recognition/photo.js';

export const MODEL_DIR = process.env.RECOG_TEST_MODEL ?? 'models/recognition';

export async function renderSamples(n: number, seed = 910_001, longSide = 1000): Promise<PhotoSample[]> {
  const out: PhotoSample[] = [];
  for (let i = 0; i < n; i++) out.push(await renderPhoto(seed, i, { split: 'holdout', difficulty: 'standard', longSide, balanced: true }));
  return out;
}

export async function labelledFolder(n: number): Promise<{ dir: string; labels: string; samples: PhotoSample[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'recog-eval-'));
  const samples = await renderSamples(n);
  const rows = ['file,carrier,denomination,serial,pin'];
  samples.forEach((s, i) => {
    writeFileSync(join(dir, `card-${i}.jpg`), s.image);
    rows.push(`card-${i}.jpg,${s.spec.carrier},${s.spec.denomination},${s.spec.serial},${s.spec.pinState === 'revealed' ? s.spec.pin : ''}`);
  });
  const labels = join(dir, 'labels.csv');
  writeFileSync(labels, rows.join('\n') + '\n');
  return { dir, labels, samples };
}
