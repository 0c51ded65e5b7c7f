/**
 * Renders one recharge card face as SVG (856×540 units, ISO card ratio). Designs vary by carrier
 * palette, layout family, fonts, decorations and the state of the scratch-off panel.
 */
import type { Rng } from './rng.js';
import type { Carrier, Denomination } from '../../src/recognition/classes.js';
import { CARD_FORMATS } from '../../src/recognition/classes.js';

export const CARD_W = 856;
export const CARD_H = 540;

export type PinState = 'revealed' | 'partial' | 'covered';

export interface CardSpec {
  carrier: Carrier;
  denomination: Denomination;
  serial: string;
  pin: string;
  pinState: PinState;
  layout: string;
  font: string;
  paletteStyle: string;
}

export interface CardBox { x: number; y: number; w: number; h: number }

export interface RenderedCard {
  spec: CardSpec;
  svg: string;
  /** Where the PIN's digits are printed, in card units (CARD_W × CARD_H): an occluder there hides the PIN. */
  pinBox: CardBox;
  /** Where the card number's digits are printed, in card units. */
  serialBox: CardBox;
  /** Around where the face value is printed, large and small (card units, generous): the card's other digits. */
  valueBoxes: CardBox[];
}

const NAMES: Record<Carrier, { zh: string; en: string; product: string; productEn: string }> = {
  cmcc: { zh: '中国移动', en: 'China Mobile', product: '神州行', productEn: 'Shenzhouxing' },
  cucc: { zh: '中国联通', en: 'China Unicom', product: '一卡充', productEn: 'Unicom Card' },
  ctcc: { zh: '中国电信', en: 'China Telecom', product: '天翼', productEn: 'Tianyi' },
};

/** Base hue ranges: the colour cue real cards carry (mobile teal/green, unicom red, telecom blue). */
const HUES: Record<Carrier, [number, number][]> = {
  cmcc: [[150, 200]],
  cucc: [[345, 360], [0, 28]],
  ctcc: [[210, 255]],
};

const hsl = (h: number, s: number, l: number) => `hsl(${h.toFixed(0)},${s.toFixed(0)}%,${l.toFixed(0)}%)`;
/** Text for an SVG text node or attribute. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function pickHue(rng: Rng, carrier: Carrier): number {
  const [lo, hi] = rng.pick(HUES[carrier]);
  return rng.range(lo, hi);
}

export interface Palette { bg1: string; bg2: string; accent: string; text: string; value: string; light: boolean }

export function palette(rng: Rng, carrier: Carrier, style: string): Palette {
  const h = pickHue(rng, carrier);
  const h2 = (h + rng.range(-20, 20) + 360) % 360;
  switch (style) {
    case 'pale':
      return { bg1: hsl(h, rng.range(20, 50), rng.range(88, 97)), bg2: '#ffffff', accent: hsl(h2, 75, 42),
        text: hsl(h, 40, rng.range(10, 25)), value: hsl(h2, 80, rng.range(35, 45)), light: true };
    case 'two-tone':
      return { bg1: hsl(h, rng.range(55, 85), rng.range(35, 50)), bg2: hsl(h2, rng.range(50, 80), rng.range(55, 70)),
        accent: '#ffffff', text: '#ffffff', value: rng.chance(0.5) ? '#ffffff' : hsl(50, 95, 60), light: false };
    case 'dark':
      return { bg1: hsl(h, rng.range(40, 70), rng.range(12, 22)), bg2: hsl(h2, rng.range(50, 80), rng.range(25, 35)),
        accent: hsl(h, 85, 60), text: '#f0f0f0', value: hsl(h2, 90, rng.range(62, 75)), light: false };
    case 'neon':
      return { bg1: hsl(h, 95, rng.range(45, 55)), bg2: hsl((h + 30) % 360, 95, 60), accent: '#fffde0',
        text: '#101010', value: '#ffffff', light: true };
    default: // solid
      return { bg1: hsl(h, rng.range(60, 90), rng.range(38, 50)), bg2: hsl(h, rng.range(60, 90), rng.range(30, 40)),
        accent: hsl(h2, 30, 92), text: '#ffffff', value: '#ffffff', light: false };
  }
}

function logo(carrier: Carrier, x: number, y: number, r: number, color: string): string {
  if (carrier === 'cmcc') {
    return `<g fill="none" stroke="${color}" stroke-width="${r * 0.22}"><path d="M${x - r} ${y} a${r} ${r * 0.6} 0 1 1 ${r * 2} 0"/>` +
      `<path d="M${x - r * 0.6} ${y + r * 0.3} a${r * 0.6} ${r * 0.5} 0 1 0 ${r * 1.2} 0"/></g>`;
  }
  if (carrier === 'cucc') {
    return `<g fill="none" stroke="${color}" stroke-width="${r * 0.18}"><rect x="${x - r * 0.7}" y="${y - r * 0.7}" width="${r * 1.4}" height="${r * 1.4}" rx="${r * 0.5}"/>` +
      `<path d="M${x - r} ${y} H${x + r} M${x} ${y - r} V${y + r}"/></g>`;
  }
  return `<g fill="none" stroke="${color}" stroke-width="${r * 0.2}"><ellipse cx="${x}" cy="${y}" rx="${r}" ry="${r * 0.45}" transform="rotate(-25 ${x} ${y})"/>` +
    `<circle cx="${x + r * 0.35}" cy="${y - r * 0.5}" r="${r * 0.18}" fill="${color}"/></g>`;
}

function groupDigits(s: string, rng: Rng): string {
  if (rng.chance(0.5)) return s;
  const g = rng.pick([4, 5, 6]);
  return s.replace(new RegExp(`(\\d{${g}})(?=\\d)`, 'g'), '$1 ');
}

/** Geometry of the parts that move between layouts (units of the 856×540 card). */
interface Layout { valueX: number; valueY: number; valueSize: number; anchor: string; nameX: number; nameY: number;
  serialX: number; serialY: number; pinX: number; pinY: number; smallX: number; smallY: number }

function layoutFor(name: string, rng: Rng): Layout {
  const j = () => rng.range(-10, 10);
  // serialY / pinY are the tops of the label+digits blocks (about 80 units tall).
  switch (name) {
    case 'value-left':
      return { valueX: 50 + j(), valueY: 340 + j(), valueSize: rng.range(140, 180), anchor: 'start', nameX: 150, nameY: 80,
        serialX: 470, serialY: 150, pinX: 50, pinY: 420, smallX: 470, smallY: 300 };
    case 'value-center':
      return { valueX: 428 + j(), valueY: 290 + j(), valueSize: rng.range(130, 170), anchor: 'middle', nameX: 150, nameY: 75,
        serialX: 50, serialY: 335, pinX: 50, pinY: 435, smallX: 620, smallY: 390 };
    case 'banner':
      return { valueX: 810 + j(), valueY: 270 + j(), valueSize: rng.range(120, 160), anchor: 'end', nameX: 150, nameY: 70,
        serialX: 50, serialY: 310, pinX: 50, pinY: 420, smallX: 50, smallY: 200 };
    case 'value-bottom-right':
      return { valueX: 810 + j(), valueY: 490 + j(), valueSize: rng.range(130, 170), anchor: 'end', nameX: 150, nameY: 75,
        serialX: 50, serialY: 140, pinX: 50, pinY: 240, smallX: 50, smallY: 420 };
    case 'split-panel':
      return { valueX: 214 + j(), valueY: 330 + j(), valueSize: rng.range(130, 170), anchor: 'middle', nameX: 550, nameY: 75,
        serialX: 455, serialY: 170, pinX: 455, pinY: 330, smallX: 100, smallY: 470 };
    default: // value-right
      return { valueX: 810 + j(), valueY: 280 + j(), valueSize: rng.range(140, 180), anchor: 'end', nameX: 150, nameY: 80,
        serialX: 50, serialY: 325, pinX: 50, pinY: 430, smallX: 50, smallY: 200 };
  }
}

export function randomSpec(rng: Rng, carrier: Carrier, denomination: Denomination, fonts: string[], layouts: string[],
  paletteStyles: string[]): CardSpec {
  const fmt = CARD_FORMATS[carrier];
  const u = rng.next();
  return {
    carrier, denomination,
    serial: rng.digits(fmt.serialLength),
    pin: rng.digits(fmt.pinLength),
    pinState: u < 0.75 ? 'revealed' : u < 0.9 ? 'partial' : 'covered',
    layout: rng.pick(layouts), font: rng.pick(fonts), paletteStyle: rng.pick(paletteStyles),
  };
}

export function renderCardSvg(spec: CardSpec, rng: Rng): RenderedCard {
  const p = palette(rng, spec.carrier, spec.paletteStyle);
  const L = layoutFor(spec.layout, rng);
  const n = NAMES[spec.carrier];
  const f = esc(spec.font);
  const weight = rng.chance(0.7) ? 'bold' : 'normal';
  const parts: string[] = [];
  const ang = rng.range(0, 180);
  parts.push(`<defs><linearGradient id="g" gradientTransform="rotate(${ang.toFixed(0)} .5 .5)"><stop offset="0" stop-color="${p.bg1}"/><stop offset="1" stop-color="${p.bg2}"/></linearGradient></defs>`);
  parts.push(`<rect width="${CARD_W}" height="${CARD_H}" rx="${rng.range(0, 36).toFixed(0)}" fill="url(#g)"/>`);
  // Decorations: waves, circles, a banner stripe; vary per card so no single pixel pattern means a class.
  for (let i = 0, k = rng.int(1, 5); i < k; i++) {
    const op = rng.range(0.08, 0.3).toFixed(2);
    if (rng.chance(0.5)) {
      parts.push(`<circle cx="${rng.range(0, CARD_W)}" cy="${rng.range(0, CARD_H)}" r="${rng.range(40, 260)}" fill="${p.accent}" opacity="${op}"/>`);
    } else {
      const y = rng.range(0, CARD_H);
      parts.push(`<path d="M0 ${y} C ${CARD_W * 0.3} ${y - rng.range(-120, 120)}, ${CARD_W * 0.7} ${y + rng.range(-120, 120)}, ${CARD_W} ${y}" stroke="${p.accent}" stroke-width="${rng.range(6, 40)}" fill="none" opacity="${op}"/>`);
    }
  }
  if (spec.layout === 'banner' || spec.layout === 'split-panel') {
    const bx = spec.layout === 'banner' ? 0 : 0;
    parts.push(spec.layout === 'banner'
      ? `<rect x="${bx}" y="0" width="${CARD_W}" height="120" fill="${p.accent}" opacity="0.35"/>`
      : `<rect x="0" y="0" width="428" height="${CARD_H}" fill="${p.accent}" opacity="0.25"/>`);
  }
  parts.push(logo(spec.carrier, L.nameX - 90, L.nameY - 12, 38, p.accent === '#ffffff' ? '#ffffff' : p.value));
  parts.push(`<text x="${L.nameX - 30}" y="${L.nameY}" font-family="${f}, WenQuanYi Zen Hei" font-size="44" font-weight="bold" fill="${p.text}">${n.zh}</text>`);
  parts.push(`<text x="${L.nameX - 30}" y="${L.nameY + 38}" font-family="${f}" font-size="${rng.range(24, 32).toFixed(0)}" fill="${p.text}">${rng.chance(0.5) ? n.en : n.en.toUpperCase()} · ${n.productEn}</text>`);
  parts.push(`<text x="${L.nameX + 170}" y="${L.nameY}" font-family="${f}, WenQuanYi Zen Hei" font-size="34" fill="${p.text}">${n.product}充值卡</text>`);
  // Face value printed large and small.
  const unit = rng.pick(['元', '元', '', 'RMB']);
  const big = `<tspan>${spec.denomination}</tspan>${unit ? `<tspan font-size="${(L.valueSize * 0.35).toFixed(0)}" font-family="${f}, WenQuanYi Zen Hei">${unit}</tspan>` : ''}`;
  const stroke = rng.chance(0.3) ? ` stroke="${p.light ? '#ffffff' : '#000000'}" stroke-width="3"` : '';
  parts.push(`<text x="${L.valueX}" y="${L.valueY}" text-anchor="${L.anchor}" font-family="${f}" font-size="${L.valueSize.toFixed(0)}" font-weight="${weight}" fill="${p.value}"${stroke}>${big}</text>`);
  const small = rng.pick([`面值 ${spec.denomination} 元`, `¥${spec.denomination}`, `面值:${spec.denomination}元`, `RMB ${spec.denomination}`]);
  parts.push(`<text x="${L.smallX}" y="${L.smallY}" font-family="${f}, WenQuanYi Zen Hei" font-size="${rng.range(30, 42).toFixed(0)}" fill="${p.text}">${esc(small)}</text>`);
  // Card number and PIN: label, white box, digits; size chosen so the longest number fits the card.
  const digitFont = rng.chance(0.5) ? f : 'DejaVu Sans Mono';
  const serialText = groupDigits(spec.serial, rng);
  const pinText = groupDigits(spec.pin, rng);
  const avail = (x: number) => CARD_W - x - 30;
  const ds = Math.min(rng.range(30, 36), avail(L.serialX) / (serialText.length * 0.64), avail(L.pinX) / (pinText.length * 0.64));
  const boxH = ds * 1.4;
  const block = (x: number, y: number, label: string, text: string) => {
    const w = Math.min(avail(x) + 16, text.length * ds * 0.64 + 16);
    parts.push(`<text x="${x}" y="${y + 22}" font-family="${f}, WenQuanYi Zen Hei" font-size="22" fill="${p.text}">${label}</text>`);
    parts.push(`<rect x="${x - 8}" y="${y + 30}" width="${w}" height="${boxH}" fill="#f6f6f6" opacity="0.95" rx="4"/>`);
    parts.push(`<text x="${x}" y="${y + 30 + ds * 1.08}" font-family="${digitFont}" font-size="${ds.toFixed(1)}" fill="#111111">${text}</text>`);
    return w;
  };
  const serialW = block(L.serialX, L.serialY, '卡号 No.', serialText);
  const pinW = block(L.pinX, L.pinY, '密码 PIN (刮开)', pinText);
  parts.push(scratchPanel(spec.pinState, L.pinX - 8, L.pinY + 30, pinW, boxH, rng));
  // The digits: the panel less its 8-unit side margins, their cap height (~0.72 ds) above the baseline.
  const digitsBox = (x: number, y: number, w: number): CardBox => ({ x, y: y + 30 + ds * 0.34, w: w - 16, h: ds * 0.76 });
  const pinBox = digitsBox(L.pinX, L.pinY, pinW);
  return { spec, pinBox, serialBox: digitsBox(L.serialX, L.serialY, serialW), valueBoxes: valueBoxes(L, String(spec.denomination).length), svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_W}" height="${CARD_H}" viewBox="0 0 ${CARD_W} ${CARD_H}">${parts.join('')}</svg>` };
}

/**
 * Generous boxes around the face value printed large (its digits and unit, from the anchor) and
 * small (at most ten glyphs of the largest size drawn). Computed from the layout alone, so no
 * random draw moves and every photo renders as before.
 */
function valueBoxes(L: Layout, digits: number): CardBox[] {
  const bigW = (digits * 0.65 + 0.8) * L.valueSize;
  const bigX = L.anchor === 'start' ? L.valueX : L.anchor === 'middle' ? L.valueX - bigW / 2 : L.valueX - bigW;
  return [{ x: bigX, y: L.valueY - 0.8 * L.valueSize, w: bigW, h: 0.9 * L.valueSize }, { x: L.smallX, y: L.smallY - 42, w: 10 * 42 * 0.65, h: 52 }];
}

/** Silver scratch-off foil: residue flecks when revealed, random bands when partial, solid when covered. */
function scratchPanel(state: PinState, x: number, y: number, w: number, h: number, rng: Rng): string {
  const silver = 'fill="#a9adb3"';
  if (state === 'covered') return `<rect x="${x}" y="${y}" width="${w}" height="${h}" ${silver} rx="4"/><text x="${x + w / 2}" y="${y + h * 0.7}" text-anchor="middle" font-family="DejaVu Sans" font-size="${h * 0.5}" fill="#777">SCRATCH</text>`;
  const out: string[] = [];
  if (state === 'partial') {
    for (let i = 0, k = rng.int(2, 4); i < k; i++) {
      const bx = x + rng.range(0, w * 0.8);
      out.push(`<rect x="${bx}" y="${y}" width="${rng.range(w * 0.1, w * 0.35)}" height="${h}" ${silver}/>`);
    }
  }
  // Residue flecks stay on the border so revealed digits remain legible.
  for (let i = 0, k = rng.int(3, 10); i < k; i++) {
    const top = rng.chance(0.5);
    out.push(`<rect x="${x + rng.range(0, w)}" y="${top ? y : y + h - 4}" width="${rng.range(3, 20)}" height="${rng.range(2, 5)}" ${silver}/>`);
  }
  return out.join('');
}
