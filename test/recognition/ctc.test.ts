import { describe, expect, it } from 'vitest';
import { ctcLossAndGrad } from '../../training/recognition/ctc.js';
import { bestOfLength, greedyDecode } from '../../src/recognition/ctc-decode.js';

describe('CTC loss', () => {
  const t = 6; const c = 4;
  const logits = Float64Array.from({ length: t * c }, (_, i) => Math.sin(i * 1.7) * 2);

  it('gives the gradient that finite differences give', () => {
    const label = [1, 1, 2];
    const grad = new Float64Array(t * c);
    const loss = ctcLossAndGrad(logits, t, c, label, grad);
    expect(Number.isFinite(loss)).toBe(true);
    for (const i of [0, 5, 11, 17, 23]) {
      const up = Float64Array.from(logits); up[i] += 1e-5;
      const down = Float64Array.from(logits); down[i] -= 1e-5;
      const numeric = (ctcLossAndGrad(up, t, c, label, new Float64Array(t * c)) - ctcLossAndGrad(down, t, c, label, new Float64Array(t * c))) / 2e-5;
      expect(grad[i]).toBeCloseTo(numeric, 5);
    }
  });

  it('is the sum over every alignment: one column, one symbol', () => {
    const grad = new Float64Array(c);
    const loss = ctcLossAndGrad([0, Math.log(3), 0, 0], 1, c, [1], grad);
    expect(loss).toBeCloseTo(-Math.log(3 / 6), 10);
  });

  it('refuses a label longer than its columns allow (a blank between repeats)', () => {
    expect(ctcLossAndGrad(logits, t, c, [1, 1, 1, 1], new Float64Array(t * c))).toBe(Infinity);
  });

  it('decodes the best path with repeats merged and blanks dropped', () => {
    const hot = (k: number) => [0, 1, 2, 3].map((j) => (j === k ? 5 : 0));
    const out = greedyDecode([2, 2, 3, 2, 1, 3].flatMap(hot), 6, 4);
    expect(out.symbols).toEqual([2, 2, 1]);
    expect(out.probs.every((p) => p > 0.9)).toBe(true);
  });
});

describe('best path of a given length', () => {
  const hot = (k: number, p = 5) => [0, 1, 2, 3].map((j) => (j === k ? p : 0));
  it('is the best path when that has the length', () => {
    const logits = [2, 2, 3, 1, 3, 2].flatMap((k) => hot(k));
    expect(bestOfLength(logits, 6, 4, 3)?.symbols).toEqual([2, 1, 2]);
  });

  it('splits the least sure run or keeps the likeliest dropped column for a longer or shorter text', () => {
    // Columns: 1; 1 just over blank; blank just over 1; 2. Greedy reads "12"; three symbols are likeliest as 1, blank, 1, 2.
    const logits = [...hot(1), 0, 1.5, 0, 1.4, 0, 1.0, 0, 1.2, ...hot(2)];
    expect(greedyDecode(logits, 4, 4).symbols).toEqual([1, 2]);
    expect(bestOfLength(logits, 4, 4, 3)?.symbols).toEqual([1, 1, 2]);
    expect(bestOfLength(logits, 4, 4, 1)?.symbols.length).toBe(1);
    expect(bestOfLength(logits, 4, 4, 5)).toBeNull();
  });
});
