import { describe, expect, it } from 'vitest';
import { stretchLocally } from '../../src/recognition/line-stack.js';
import { otsu } from '../../src/recognition/otsu.js';

const histogram = (img: Uint8Array) => {
  const h = new Float64Array(256);
  for (const v of img) h[v]++;
  return h;
};

describe('local contrast of a line patch', () => {
  it('makes digits washed out by glare ink for one threshold, and leaves paper noise paper', () => {
    const w = 200; const h = 30;
    // Flattened patch: paper 255 with ±6 noise, a dark stroke on the left, a glare-faded one (darkness 70) on the right.
    const flat = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) flat[i] = 255 - ((i * 7919) % 13);
    const stroke = (x0: number, v: number) => { for (let y = 8; y < 22; y++) for (let x = x0; x < x0 + 4; x++) flat[y * w + x] = v; };
    stroke(20, 40);
    stroke(160, 185);
    const at = (img: Uint8Array, x: number) => img[15 * w + x];
    // One threshold over the plain patch keeps the dark stroke and loses the faint one.
    const t0 = otsu(histogram(flat));
    expect(at(flat, 21)).toBeLessThanOrEqual(t0);
    expect(at(flat, 161)).toBeGreaterThan(t0);
    const out = stretchLocally(flat, w, h, 20);
    const t = otsu(histogram(out));
    expect(at(out, 21)).toBeLessThanOrEqual(t);
    expect(at(out, 161)).toBeLessThanOrEqual(t);
    // Paper far from any stroke stays above the threshold.
    let paperInk = 0;
    for (let y = 0; y < h; y++) for (let x = 80; x < 120; x++) if (out[y * w + x] <= t) paperInk++;
    expect(paperInk).toBe(0);
  });
});
