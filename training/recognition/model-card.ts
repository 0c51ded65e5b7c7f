/** Renders model.json's card as MODEL_CARD.md next to the model files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMeta } from '../../src/recognition/model-meta.js';

export function writeModelCardMarkdown(dir: string, meta: ModelMeta): void {
  const c = meta.card;
  const lines = [
    `# Recognition model ${meta.version}`,
    '',
    `Created ${meta.createdAt}. Served classifier: **${meta.serving}**; needsReview below confidence ${meta.reviewThreshold}.`,
    `Temperatures (carrier / face value): ${meta.cnn.temperatureCarrier.toFixed(3)} / ${meta.cnn.temperatureDenom.toFixed(3)}.`,
    '',
    '## Data', '```json', JSON.stringify(c.data, null, 2), '```',
    '## Fonts, layouts, backgrounds, palettes used in training', '```json',
    JSON.stringify({ fonts: c.trainingFonts, layouts: c.trainingLayouts, backgrounds: c.trainingBackgrounds, palettes: c.trainingPalettes }, null, 2), '```',
    '## Held out (never rendered into training images)', '```json', JSON.stringify(c.heldOut, null, 2), '```',
    '## Training', '```json', JSON.stringify(c.training, null, 2), '```',
    '## Metrics', '```json', JSON.stringify({ validation: c.validation, hardSet: c.hardSet, evaluation: c.evaluation }, null, 2), '```',
    '',
    'Reproduce: `npx cardrecycle train recognition --seed ' + String((c.data as { seed?: number } | undefined)?.seed ?? 1) + '`.',
  ];
  writeFileSync(join(dir, 'MODEL_CARD.md'), lines.join('\n') + '\n');
}
