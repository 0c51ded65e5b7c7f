import { describe, expect, it } from 'vitest';
import { renderTensors } from '../../training/recognition/render-pool.js';
import { STAGE2_CROP } from '../../training/recognition/train-stage2.js';

describe('parallel rendering', () => {
  it('gives the same training tensors whatever the number of worker processes', async () => {
    const o = { seed: 3, start: 10, count: 3, split: 'train', difficulty: 'train', longSide: 320, crop: STAGE2_CROP, perImage: 2, jitter: 0.03 } as const;
    const [one, two] = [await renderTensors(o, 1), await renderTensors(o, 2)];
    expect(two.n).toBe(3);
    expect(Buffer.compare(Buffer.from(one.x), Buffer.from(two.x))).toBe(0);
    expect(Buffer.compare(Buffer.from(one.crops), Buffer.from(two.crops))).toBe(0);
    expect(Array.from(two.denom)).toEqual(Array.from(one.denom));
    expect(two.crops.length).toBe(3 * 2 * STAGE2_CROP.patch!.width * STAGE2_CROP.patch!.height * 3);
  }, 120_000);
});
