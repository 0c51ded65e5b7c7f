/** Minimal SVG line/band/bar charts for the pricing notebook (no plotting stack on this machine). */
export interface Line {
  label: string;
  color: string;
  values: Array<number | null>;
  dash?: string;
  width?: number;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lineChart(opts: { title: string; x: string[]; lines: Line[]; band?: { low: number[]; high: number[]; color: string; label: string }; width?: number; height?: number; yFormat?: (v: number) => string }): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 320;
  const m = { l: 60, r: 160, t: 30, b: 40 };
  const all = opts.lines.flatMap((l) => l.values.filter((v): v is number => v !== null)).concat(opts.band ? [...opts.band.low, ...opts.band.high] : []);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = (hi - lo) * 0.05 || 0.01;
  lo -= pad;
  hi += pad;
  const n = opts.x.length;
  const X = (i: number): number => m.l + ((W - m.l - m.r) * i) / Math.max(1, n - 1);
  const Y = (v: number): number => m.t + (H - m.t - m.b) * (1 - (v - lo) / (hi - lo));
  const fmt = opts.yFormat ?? ((v: number) => v.toFixed(3));
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/><text x="${m.l - 5}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const ticks = Math.min(8, n);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round(((n - 1) * k) / Math.max(1, ticks - 1));
    parts.push(`<text x="${X(i)}" y="${H - m.b + 16}" text-anchor="middle">${esc(opts.x[i])}</text>`);
  }
  if (opts.band) {
    const b = opts.band;
    const pts = b.high.map((v, i) => `${X(i)},${Y(v)}`).concat(b.low.map((v, i) => `${X(i)},${Y(v)}`).reverse());
    parts.push(`<polygon points="${pts.join(' ')}" fill="${b.color}" opacity="0.25" stroke="none"/>`);
  }
  opts.lines.forEach((l) => {
    let d = '';
    l.values.forEach((v, i) => {
      if (v === null) return;
      d += `${d === '' || l.values[i - 1] === null ? 'M' : 'L'}${X(i).toFixed(1)},${Y(v).toFixed(1)}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 1.2}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`);
  });
  const legend = [...opts.lines.map((l) => ({ label: l.label, color: l.color, op: 1 })), ...(opts.band ? [{ label: opts.band.label, color: opts.band.color, op: 0.25 }] : [])];
  legend.forEach((l, i) => parts.push(`<rect x="${W - m.r + 10}" y="${m.t + i * 16}" width="12" height="10" fill="${l.color}" opacity="${l.op}"/><text x="${W - m.r + 26}" y="${m.t + i * 16 + 9}">${esc(l.label)}</text>`));
  parts.push('</svg>');
  return parts.join('\n');
}

export function barChart(opts: { title: string; bars: Array<{ label: string; value: number; color: string }>; format: (v: number) => string; width?: number; height?: number }): string {
  const W = opts.width ?? 600;
  const H = opts.height ?? 260;
  const m = { l: 110, r: 80, t: 30, b: 10 };
  const max = Math.max(...opts.bars.map((b) => b.value));
  const bh = (H - m.t - m.b) / opts.bars.length;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="10" y="18" font-size="13" font-weight="bold">${esc(opts.title)}</text>`];
  opts.bars.forEach((b, i) => {
    const w = ((W - m.l - m.r) * b.value) / max;
    const y = m.t + i * bh + 4;
    parts.push(`<text x="${m.l - 6}" y="${y + bh / 2}" text-anchor="end">${esc(b.label)}</text><rect x="${m.l}" y="${y}" width="${w}" height="${bh - 8}" fill="${b.color}"/><text x="${m.l + w + 4}" y="${y + bh / 2}">${esc(opts.format(b.value))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
