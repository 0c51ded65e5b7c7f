import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelCard } from '../../src/pricing/model-card.js';
import { simulateMarket } from '../../training/pricing/simulate.js';
import { trainPricing } from '../../training/pricing/train.js';

describe('train pricing (tiny, 1 epoch)', () => {
  it('writes ONNX, weights and model card when kept, and nothing when the gate fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pricing-train-'));
    const rows = simulateMarket({ seed: 5, start: '2024-01-01', days: 220 }).filter((r) => r.carrier === 'cucc' && r.denomination <= 30);
    const data = join(dir, 'q.csv');
    writeFileSync(data, 'date,carrier,denomination,price\n' + rows.map((r) => `${r.date},${r.carrier},${r.denomination},${r.price}`).join('\n') + '\n');

    const kept = await trainPricing({ data, out: join(dir, 'kept'), seed: 1, epochs: 1, units: 4, batchSize: 64, gate: false });
    expect(kept.promoted).toBe(true);
    for (const f of ['model.onnx', 'weights.json', 'model-card.json', 'MODEL_CARD.md']) expect(existsSync(join(dir, 'kept', f))).toBe(true);
    const card = readModelCard(join(dir, 'kept'));
    expect(card.training.seed).toBe(1);
    expect(card.data.sha256).toHaveLength(64);
    expect(card.metrics.n).toBe(3 * (220 - (220 - 44)));
    expect(card.intervals.low).toHaveLength(7);
    expect(readFileSync(join(dir, 'kept', 'MODEL_CARD.md'), 'utf8')).toContain(card.version);

    const gated = await trainPricing({ data, out: join(dir, 'gated'), seed: 1, epochs: 1, units: 4, batchSize: 64, gate: true });
    expect(gated.promoted).toBe(gated.card.gate.passed);
    expect(existsSync(join(dir, 'gated', 'model.onnx'))).toBe(gated.card.gate.passed);
  }, 120_000);
});
