/** Procedural photo backgrounds (tables, paper, clutter) as SVG; families split train / holdout. */
import type { Rng } from './rng.js';

const rc = (rng: Rng) => `hsl(${rng.int(0, 359)},${rng.int(0, 70)}%,${rng.int(10, 90)}%)`;

export function backgroundSvg(kind: string, w: number, h: number, rng: Rng, fonts: string[]): string {
  const parts: string[] = [];
  const base = rc(rng);
  parts.push(`<rect width="${w}" height="${h}" fill="${base}"/>`);
  switch (kind) {
    case 'gradient':
      parts.push(`<defs><radialGradient id="b"><stop offset="0" stop-color="${rc(rng)}"/><stop offset="1" stop-color="${base}"/></radialGradient></defs><rect width="${w}" height="${h}" fill="url(#b)"/>`);
      break;
    case 'stripes': { // wood grain / tablecloth
      const c = rc(rng);
      for (let y = 0; y < h; y += rng.range(4, 30)) {
        parts.push(`<rect x="0" y="${y}" width="${w}" height="${rng.range(2, 14)}" fill="${c}" opacity="${rng.range(0.1, 0.5).toFixed(2)}" transform="rotate(${rng.range(-8, 8).toFixed(1)} ${w / 2} ${h / 2})"/>`);
      }
      break;
    }
    case 'shapes':
      for (let i = 0; i < 25; i++) {
        parts.push(rng.chance(0.5)
          ? `<circle cx="${rng.range(0, w)}" cy="${rng.range(0, h)}" r="${rng.range(5, w / 6)}" fill="${rc(rng)}" opacity="${rng.range(0.3, 1).toFixed(2)}"/>`
          : `<rect x="${rng.range(0, w)}" y="${rng.range(0, h)}" width="${rng.range(10, w / 3)}" height="${rng.range(10, h / 3)}" fill="${rc(rng)}" transform="rotate(${rng.range(0, 90).toFixed(0)} ${w / 2} ${h / 2})"/>`);
      }
      break;
    case 'paper-text': // a receipt or newspaper under the card: digits everywhere as distractors
      parts.push(`<rect x="${w * 0.05}" y="${-h * 0.1}" width="${w * 0.9}" height="${h * 1.2}" fill="#f2efe6" transform="rotate(${rng.range(-15, 15).toFixed(0)} ${w / 2} ${h / 2})"/>`);
      for (let i = 0; i < 30; i++) {
        const txt = rng.chance(0.5) ? String(rng.pick([10, 20, 30, 50, 100, 200, 300, 500, rng.int(0, 99999)])) : 'Total ¥ price';
        parts.push(`<text x="${rng.range(0, w)}" y="${rng.range(0, h)}" font-family="${rng.pick(fonts)}" font-size="${rng.range(8, h / 10).toFixed(0)}" fill="#333">${txt}</text>`);
      }
      break;
    case 'checker': {
      const s = rng.range(w / 20, w / 6);
      const c = rc(rng);
      for (let y = 0; y < h; y += s) for (let x = (Math.round(y / s) % 2) * s; x < w; x += 2 * s) {
        parts.push(`<rect x="${x}" y="${y}" width="${s}" height="${s}" fill="${c}"/>`);
      }
      break;
    }
    case 'blobs':
      for (let i = 0; i < 12; i++) {
        parts.push(`<ellipse cx="${rng.range(0, w)}" cy="${rng.range(0, h)}" rx="${rng.range(w / 20, w / 3)}" ry="${rng.range(h / 20, h / 3)}" fill="${rc(rng)}" opacity="${rng.range(0.3, 0.9).toFixed(2)}"/>`);
      }
      break;
    default: // desk-clutter: pens, keys, coins, sticky notes with numbers
      for (let i = 0; i < 14; i++) {
        const x = rng.range(0, w);
        const y = rng.range(0, h);
        const r = rng.int(0, 2);
        if (r === 0) parts.push(`<rect x="${x}" y="${y}" width="${w / 3}" height="${h / 40}" rx="4" fill="${rc(rng)}" transform="rotate(${rng.range(0, 180).toFixed(0)} ${x} ${y})"/>`);
        else if (r === 1) parts.push(`<circle cx="${x}" cy="${y}" r="${h / 18}" fill="#c9a13b" stroke="#8a6d1f" stroke-width="3"/>`);
        else parts.push(`<g transform="rotate(${rng.range(-30, 30).toFixed(0)} ${x} ${y})"><rect x="${x}" y="${y}" width="${w / 7}" height="${w / 7}" fill="#f7e36b"/><text x="${x + 5}" y="${y + w / 14}" font-family="${rng.pick(fonts)}" font-size="${(w / 30).toFixed(0)}" fill="#222">${rng.int(10, 500)}</text></g>`);
      }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`;
}
