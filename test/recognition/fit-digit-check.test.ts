import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitDigitCheck } from '../../training/recognition/fit-digit-check.js';
import { DIGIT_NET_FILE, loadDigitNet } from '../../src/recognition/digit-check.js';

describe('digit check training (tiny)', () => {
  it('renders photos, harvests their digits through the model and writes the network and its card entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-digit-'));
    try {
      for (const f of ['model.json', 'cnn.onnx', 'card-cnn.onnx', 'svm.json']) cpSync(join('models/recognition', f), join(dir, f));
      const fit = await fitDigitCheck(dir, { photos: 2, workers: 1, seed: 4242, log: () => undefined });
      expect(fit.glyphs).toBeGreaterThan(15);
      expect(existsSync(join(dir, DIGIT_NET_FILE))).toBe(true);
      const net = loadDigitNet(dir)!;
      expect(net.readCounts.flat().reduce((a, b) => a + b, 0)).toBe(fit.glyphs);
      const card = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).card;
      expect(card.digitCheck).toMatchObject({ photos: 2, seed: 4242, glyphs: fit.glyphs });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
