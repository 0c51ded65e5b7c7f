import { describe, expect, it } from 'vitest';
import { lightness } from '../../src/recognition/deskew.js';
import { cardHeightOfDigits, locateMergedNumberLines, locateNumberLines } from '../../src/recognition/number-locate.js';
import { oversizedCut, prepareCard, relocatedCard } from '../../src/recognition/ocr-card.js';
import type { Point } from '../../src/recognition/geometry.js';
import { svgRaw } from './helpers/images.js';

/**
 * A 600-px card with a card number and a PIN on light panels in a 1600×1200 photo; `spacing`: the
 * digits' letter spacing (−3 joins each group of four into one blob, as blur does).
 */
function photo(spacing: number) {
  const row = (y: number, t: string) => `<rect x="520" y="${y - 22}" width="330" height="30" fill="#f0f0f0"/>`
    + `<text x="528" y="${y}" font-family="DejaVu Sans Mono" font-weight="bold" font-size="24" letter-spacing="${spacing}" fill="#303030">${t}</text>`;
  return svgRaw(`<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><rect width="1600" height="1200" fill="#8a9a8a"/>
    <rect x="300" y="300" width="600" height="378" fill="#6080a0"/>${row(420, '5687 1732 1083 0808 758')}${row(520, '9829 7370 5945 0811 08')}</svg>`);
}
/** A predicted quad far bigger than the card: most of the photo. */
const wideQuad: Point[] = [[100, 100], [1500, 100], [1500, 1100], [100, 1100]];

describe('the card cut again from its number lines (relocatedCard)', () => {
  it('finds number lines whose digits merged into groups, which the search for long digit chains misses', async () => {
    const grey = lightness(await photo(-3));
    expect(locateNumberLines(grey)).toBeNull();
    const found = locateMergedNumberLines(grey);
    expect(found).not.toBeNull();
    expect(found!.box.x0).toBeGreaterThan(500);
    expect(found!.box.x1).toBeLessThan(870);
    expect(found!.glyphHeight).toBeGreaterThan(14);
    expect(found!.glyphHeight).toBeLessThan(24);
  });

  it('cuts the card from them when the first cut trusted a quad twice its size', async () => {
    const img = await photo(-3);
    const first = prepareCard(img, wideQuad);
    expect(first.site!.region.cardW).toBeNull();
    const moved = relocatedCard(img, wideQuad, first);
    expect(moved).not.toBeNull();
    // The card is 378 px tall in the photo: the first cut took the quad's 1,000.
    expect(moved!.card.cardHeight).toBeLessThan(0.8 * first.card.cardHeight);
    const numberLines = moved!.lines.filter((l) => l.count >= 4 && (l.x1 - l.x0 + 1) / l.glyphHeight >= 10);
    expect(numberLines.length).toBe(2);
  });

  it('cuts the card from the digits a full-size search finds when the first cut came from a taller chain the reduced search found', async () => {
    // A dark title of twelve letters, 29 px tall, where small digits (9 px) fall under the reduced search's least glyph.
    const row = (y: number, t: string) => `<rect x="520" y="${y - 12}" width="330" height="20" fill="#f0f0f0"/>`
      + `<text x="528" y="${y}" font-family="DejaVu Sans Mono" font-size="12" fill="#303030">${t}</text>`;
    const img = await svgRaw(`<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><rect width="1600" height="1200" fill="#8a9a8a"/>
      <text x="100" y="200" font-family="DejaVu Sans" font-size="40" fill="#202020">HHHHHHHHHHHH</text>
      <rect x="300" y="300" width="600" height="378" fill="#6080a0"/>${row(420, '5687173210830808758')}${row(520, '982973705945081108')}</svg>`);
    const first = prepareCard(img, null);
    expect(first.site!.region.numbers!.box.y1).toBeLessThan(250);
    const moved = relocatedCard(img, null, first);
    expect(moved).not.toBeNull();
    const numbers = moved!.site!.region.numbers!;
    expect(numbers.box.y0).toBeGreaterThan(400);
    expect(numbers.chains).toBe(2);
    expect(moved!.card.cardHeight).toBeLessThan(0.8 * first.card.cardHeight);
  });

  it('has nothing new to cut when the first cut came from the number lines, or when there are none', async () => {
    const clear = await photo(-1);
    const first = prepareCard(clear, wideQuad);
    expect(first.site!.region.cardW).not.toBeNull();
    expect(relocatedCard(clear, wideQuad, first)).toBeNull();
    const empty = await svgRaw('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#8a9a8a"/></svg>');
    expect(relocatedCard(empty, wideQuad, prepareCard(empty, wideQuad))).toBeNull();
  });

  it('calls a cut around the predicted quad oversized from 1.5 times the card the digits imply (a missing PIN is then looked for on a cut from them)', async () => {
    const img = await photo(-1);
    const cardH = cardHeightOfDigits(locateNumberLines(lightness(img))!.glyphHeight);
    // Quads as wide as the card, centred on it, `k` times the card the digits imply tall (under 1.6: the cut keeps them).
    const quad = (k: number): Point[] => { const h = (k * cardH) / 2; return [[300, 489 - h], [900, 489 - h], [900, 489 + h], [300, 489 + h]]; };
    const tall = prepareCard(img, quad(1.55));
    expect(tall.site!.region.cardW).toBeNull();
    expect(oversizedCut(tall)).toBe(true);
    const fitting = prepareCard(img, quad(1.1));
    expect(fitting.site!.region.cardW).toBeNull();
    expect(oversizedCut(fitting)).toBe(false);
    // A cut made from the number lines already is not.
    expect(oversizedCut(prepareCard(img, wideQuad))).toBe(false);
  });
});
