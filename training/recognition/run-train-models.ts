/** Background entry point: tsx training/recognition/run-train-models.ts --epochs 3 --max-minutes 30 */
import { parseArgs } from 'node:util';
import { trainModels } from './train-models.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'datasets/generated/recognition' }, out: { type: 'string', default: 'models/recognition' },
  seed: { type: 'string', default: '1' }, epochs: { type: 'string', default: '3' }, samples: { type: 'string', default: '14000' },
  'max-minutes': { type: 'string', default: '14' },
} });
const r = await trainModels({ dataDir: values.data!, outDir: values.out!, seed: Number(values.seed), epochs: Number(values.epochs),
  samples: Number(values.samples), maxMinutes: Number(values['max-minutes']), log: (m) => console.log(new Date().toISOString(), m) });
console.log(JSON.stringify({ validation: r.calibration.metrics, serving: r.meta.serving }));
