import { describe, expect, it } from 'vitest';
import { svgRaw } from './helpers/images.js';
import { lightness, textAngle } from '../../src/recognition/deskew.js';
import { findTextLines, isPanel, linkLines, withoutCounterChains, type TextLine } from '../../src/recognition/text-lines.js';
import { linePatch } from '../../src/recognition/line-stack.js';
import { readFaceValue } from '../../src/recognition/face-value-text.js';
import { parseCardText } from '../../src/recognition/card-text.js';
import type { RawImage } from '../../src/recognition/geometry.js';

/** A card-like picture: dark card, a light panel with a 17-digit number, a big light face value. */
async function card(rotateDeg: number): Promise<RawImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><rect width="900" height="600" fill="#777"/>
    <g transform="rotate(${rotateDeg} 450 300)"><rect x="100" y="120" width="700" height="400" rx="20" fill="#1d3b5a"/>
    <rect x="130" y="170" width="470" height="50" fill="#f6f6f6"/><text x="140" y="207" font-family="DejaVu Sans Mono" font-size="34" fill="#111">16831119099904152</text>
    <rect x="130" y="260" width="520" height="50" fill="#f6f6f6"/><text x="140" y="297" font-family="DejaVu Sans Mono" font-size="34" fill="#111">757417023539383415</text>
    <text x="560" y="470" font-family="DejaVu Sans" font-size="150" font-weight="bold" fill="#ffffff">50</text></g></svg>`;
  return svgRaw(svg);
}

describe('model-free card geometry', () => {
  it('estimates the text rotation from glyph neighbours', async () => {
    for (const deg of [-18, 0, 12]) {
      const g = lightness(await card(deg));
      const a = textAngle(g, 8, 140);
      expect(a).not.toBeNull();
      expect(Math.abs(a! - deg)).toBeLessThan(1.5);
    }
  });

  it('estimates the rotation of blurred digit groups, whose glyphs merged, from the groups', async () => {
    // Four-digit groups set tight and blurred: each group is one component, too wide for a glyph.
    const groups = (y: number, gs: string[]) => gs.map((t, i) => `<text x="${400 + i * 80}" y="${y}" font-family="DejaVu Sans" font-size="26" fill="#222" letter-spacing="-5">${t}</text>`).join('');
    for (const deg of [-17, 9]) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><defs><filter id="b"><feGaussianBlur stdDeviation="2"/></filter></defs>
        <rect width="900" height="600" fill="#555"/><g transform="rotate(${deg} 450 300)" filter="url(#b)"><rect x="150" y="150" width="600" height="380" rx="16" fill="#9a9a9a"/>
        ${groups(260, ['7233', '2917', '3023', '8425'])}${groups(330, ['3196', '9037', '6038', '1251'])}</g></svg>`;
      const g = lightness(await svgRaw(svg));
      expect(textAngle(g, 8, 140)).toBeNull();
      const a = textAngle(g, 8, 140, 40, true);
      expect(a).not.toBeNull();
      expect(Math.abs(a! - deg)).toBeLessThan(1.5);
    }
  });

  it('finds the number lines and the big face value as text lines of the right polarity', async () => {
    const g = lightness(await card(0));
    const lines = findTextLines(g, 400, 10);
    const digits = lines.filter((l) => !l.light && l.count >= 15);
    expect(digits.length).toBe(2);
    const value = lines.find((l) => l.light && l.glyphHeight > 80);
    expect(value).toBeDefined();
    const patch = linePatch(g, digits[0]);
    expect(patch.height).toBeGreaterThan(36);
    // Black-on-white: mostly paper.
    const ink = patch.data.filter((v) => v < 128).length / patch.data.length;
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.5);
  });
});

describe('small print inside big light shapes', () => {
  /**
   * A lit patch of the card beside a shadow comes out as two tall light blobs (a chain of two
   * "glyphs"); the small "¥20" printed on one of them is neither their counters nor their line.
   */
  async function litPatch(): Promise<RawImage> {
    const blob = (x: number) => `<path fill-rule="evenodd" fill="#d8d8d8" d="M${x} 100h250v240h-250z M${x + 60} 260h130v60h-130z"/>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="420"><rect width="700" height="420" fill="#3a3a3a"/>
      ${blob(60)}${blob(330)}<text x="110" y="190" font-family="DejaVu Sans" font-size="44" fill="#202020">¥20</text></svg>`;
    return svgRaw(svg);
  }

  it('keeps the small print as a line of its own', async () => {
    const lines = findTextLines(lightness(await litPatch()), 900, 10);
    expect(lines.some((l) => l.light && l.glyphHeight > 200)).toBe(true);
    const small = lines.filter((l) => !l.light && l.glyphHeight < 50 && l.x0 >= 100 && l.x1 <= 250 && l.y0 >= 140 && l.y1 <= 200);
    expect(small).toHaveLength(1);
    expect(small[0].count).toBeGreaterThanOrEqual(2);
  });
});

describe('light number panels', () => {
  it('keeps a panel whose faint digits leave only small holes in it, not a solid stripe', () => {
    // A 400 × 55 light panel: its digits cover a fifth of it (faint, thin print), or nothing (a stripe).
    const panel = (fill: number) => linkLines([{ x0: 100, y0: 300, x1: 499, y1: 354, area: Math.round(fill * 400 * 55) }], true, 10, 120);
    const found = panel(0.8);
    expect(found).toHaveLength(1);
    expect(isPanel(found[0].count, found[0].fill)).toBe(true);
    expect(panel(0.97)).toHaveLength(0);
  });
});

describe('bold blurred digits on a light panel', () => {
  /** A thin light panel on a dark card, its mid-grey bold digits blurred into it. */
  async function blurredPanel(): Promise<RawImage> {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="500"><defs><filter id="b"><feGaussianBlur stdDeviation="1.5"/></filter></defs>
      <rect width="900" height="500" fill="#3c3c3c"/><g filter="url(#b)"><rect x="120" y="200" width="520" height="44" fill="#c4c4c4"/>
      <text x="132" y="233" font-family="DejaVu Sans Mono" font-weight="bold" font-size="30" fill="#777">6840551925198615135</text></g></svg>`;
    return svgRaw(svg);
  }

  it('finds the digits as the holes of the panel, and the line spans the whole panel', async () => {
    // The threshold window reaches past the thin panel onto the dark card: the digits are not
    // darker than that mean, and they fill too much of the panel for it to pass as one.
    const lines = findTextLines(lightness(await blurredPanel()), 700, 12);
    const digits = lines.filter((l) => !l.light && l.count >= 15);
    expect(digits).toHaveLength(1);
    expect(digits[0].x0).toBeLessThanOrEqual(125);
    expect(digits[0].x1).toBeGreaterThanOrEqual(635);
  });
});

describe('thin faint digits on a light panel', () => {
  /** A thin light panel on a dark card, its thin light-grey digits leaving it nearly solid. */
  async function faintPanel(): Promise<RawImage> {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="500"><defs><filter id="b"><feGaussianBlur stdDeviation="1"/></filter></defs>
      <rect width="900" height="500" fill="#444"/><g filter="url(#b)"><rect x="120" y="200" width="440" height="40" fill="#d8d8d8"/>
      <text x="132" y="229" font-family="DejaVu Sans Mono" font-size="24" fill="#999">123122 629220 836309</text></g></svg>`;
    return svgRaw(svg);
  }

  it('thresholds the panel by itself and finds its 18 digits as one line across it', async () => {
    const lines = findTextLines(lightness(await faintPanel()), 712, 12);
    const digits = lines.filter((l) => !l.light && l.count >= 15 && l.y0 >= 200 && l.y1 <= 240);
    expect(digits).toHaveLength(1);
    expect(digits[0].x0).toBeLessThanOrEqual(125);
    expect(digits[0].x1).toBeGreaterThanOrEqual(555);
  });
});

describe('line patches under uneven light', () => {
  /** A light panel with a 17-digit number, the right part of the picture in a hard shadow. */
  async function shadowed(): Promise<RawImage> {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="300"><rect width="900" height="300" fill="#1d3b5a"/>
      <rect x="130" y="120" width="470" height="50" fill="#f6f6f6"/><text x="140" y="157" font-family="DejaVu Sans Mono" font-size="34" fill="#111">16831119099904152</text>
      <rect x="380" y="0" width="520" height="300" fill="#000" opacity="0.55"/></svg>`;
    return svgRaw(svg);
  }

  it('keeps the digits on both sides of a shadow edge as ink and the shadowed panel as paper', async () => {
    const g = lightness(await shadowed());
    // The shadowed panel is darker than the lit digits' surroundings would allow one threshold to split.
    const digits = findTextLines(g, 300, 10).filter((l) => !l.light && l.count >= 15);
    expect(digits.length).toBe(1);
    const p = linePatch(g, digits[0], { glyph: 28, grey: false });
    // Ink share in the left and right halves of the patch's middle band: digits on both sides.
    const share = (u0: number, u1: number) => {
      let ink = 0; let n = 0;
      for (let v = Math.round(p.height * 0.3); v < Math.round(p.height * 0.7); v++) for (let u = u0; u < u1; u++) { n++; if (p.data[v * p.width + u] === 0) ink++; }
      return ink / n;
    };
    const left = share(Math.round(p.width * 0.1), Math.round(p.width * 0.4));
    const right = share(Math.round(p.width * 0.6), Math.round(p.width * 0.9));
    for (const s of [left, right]) {
      expect(s).toBeGreaterThan(0.1);
      expect(s).toBeLessThan(0.6);
    }
  });
});

describe('reading values from OCR lines', () => {
  it('reads the face value from the tallest print; a trailing unit read as digits still counts', () => {
    const fv = readFaceValue([
      { text: '1007', confidence: 0.9, words: [{ text: '1007', confidence: 0.9, height: 20 }] },
      { text: '100', confidence: 0.8, words: [{ text: '100', confidence: 0.8, height: 5 }] },
      { text: '50', confidence: 0.9, words: [{ text: '50', confidence: 0.9, height: 20 }], onCard: false },
    ]);
    expect(fv.best).toBe(100);
  });

  it('votes over several reads of the same number', () => {
    const r = parseCardText([
      { text: '16831119099904152', confidence: 0.6 },
      { text: '16831119099904752', confidence: 0.7 },
      { text: '1683 1119 0999 0415 2', confidence: 0.6 },
    ], 'cmcc');
    expect(r.serial?.value).toBe('16831119099904152');
    expect(r.serial!.confidence).toBeLessThan(1);
  });
});

describe('white big print on a light band', () => {
  /** "300" in white on a grey card, a light wave band running through the digits' lower half. */
  async function bandedValue(): Promise<RawImage> {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="540"><rect width="860" height="540" fill="#6a6a6a"/>
      <rect x="0" y="330" width="860" height="60" fill="#b4b4b4"/>
      <text x="380" y="380" font-family="DejaVu Sans" font-weight="bold" font-size="150" fill="#fafafa">300</text></svg>`;
    return svgRaw(svg);
  }

  it('finds the digits as a light line of three glyphs, not one blob with the band', async () => {
    const lines = findTextLines(lightness(await bandedValue()), 540, 10);
    const big = lines.filter((l) => l.light && l.count === 3 && l.glyphHeight > 80 && l.glyphHeight < 130);
    expect(big).toHaveLength(1);
    expect(big[0].x0).toBeGreaterThan(360);
  });
});

describe('counter chains', () => {
  // Boxes as the line finder gave them on development photos.
  const line = (x0: number, y0: number, x1: number, y1: number, glyphHeight: number, count: number, light: boolean): TextLine =>
    ({ x0, y0, x1, y1, glyphHeight, count, light, slope: 0, fill: 0.5 });

  it('drops the light chain of the counters of dark small print that outnumber its glyphs and reach past its box', () => {
    const print = line(313, 871, 581, 927, 38, 6, false); // "面值:500元"
    const holes = line(311, 865, 547, 930, 30, 11, true);
    expect(withoutCounterChains([print, holes])).toEqual([print]);
  });

  it('keeps big light digits beside a dark background blob, and dark small print inside a light blob pair', () => {
    const digits = line(996, 542, 1163, 661, 120, 2, true);
    const blob = line(1014, 522, 1551, 755, 190, 2, false);
    expect(withoutCounterChains([digits, blob])).toHaveLength(2);
    const small = line(155, 953, 301, 990, 30, 5, false);
    const blobs = line(140, 931, 328, 1011, 80, 2, true);
    expect(withoutCounterChains([small, blobs])).toHaveLength(2);
  });

  it('still drops the dark counters of big light digits inside their line', () => {
    const value = line(100, 100, 400, 250, 150, 3, true); // "100"
    const counters = line(200, 130, 390, 220, 80, 2, false);
    expect(withoutCounterChains([value, counters])).toEqual([value]);
  });
});
