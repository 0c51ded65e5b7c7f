import { describe, expect, it } from 'vitest';
import { cardLines, straightenedCard, uprightCard } from '../../src/recognition/ocr-card.js';
import { svgRaw } from './helpers/images.js';

/** A grey card with two 18-digit number lines on light panels, the whole of it turned `deg` clockwise. */
async function tiltedCard(deg: number) {
  const row = (y: number) => `<rect x="250" y="${y - 28}" width="420" height="38" fill="#f0f0f0"/><text x="260" y="${y}" font-family="DejaVu Sans Mono" font-size="30" fill="#404040">123456789012345678</text>`;
  return svgRaw(`<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="800"><rect width="1000" height="800" fill="#a0a0a0"/>
    <g transform="rotate(${deg} 500 400)"><rect x="150" y="150" width="700" height="440" fill="#6080a0"/>${row(320)}${row(420)}</g></svg>`);
}

const slopeDeg = (l: { slope: number }) => (Math.atan(l.slope) * 180) / Math.PI;
const longLines = (lines: ReturnType<typeof cardLines>) => lines.filter((l) => l.count >= 8);

describe('straightenedCard', () => {
  it('cuts the card level again when its number lines still slope after a wrong first angle', async () => {
    const img = await tiltedCard(10);
    // As if the first angle had been measured on other print: 4° short.
    const first = uprightCard(img, null, 6);
    const p = { card: first, lines: cardLines(first) };
    expect(longLines(p.lines).length).toBeGreaterThan(0);
    expect(Math.abs(slopeDeg(longLines(p.lines)[0]))).toBeGreaterThan(2);
    const level = straightenedCard(img, null, p);
    expect(level).not.toBeNull();
    expect(level!.card.angle).toBeGreaterThan(8.5);
    expect(level!.card.angle).toBeLessThan(11.5);
    const straight = longLines(level!.lines);
    expect(straight.length).toBeGreaterThanOrEqual(2);
    for (const l of straight) expect(Math.abs(slopeDeg(l))).toBeLessThan(1.5);
  });

  it('leaves a level card alone', async () => {
    const img = await tiltedCard(10);
    const first = uprightCard(img, null, 10);
    expect(straightenedCard(img, null, { card: first, lines: cardLines(first) })).toBeNull();
  });

  it('leaves a card without long lines alone: nothing tells its slope', async () => {
    const img = await svgRaw('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect width="600" height="400" fill="#a0a0a0"/></svg>');
    const first = uprightCard(img, null, 5);
    expect(straightenedCard(img, null, { card: first, lines: cardLines(first) })).toBeNull();
  });
});
