/**
 * Digit glyphs for the digit classifier, as the serving pipeline sees them: each photo of a
 * labelled folder goes through the same steps as recognition (classifier corners → upright card →
 * text lines → stacked page in each read style → tesseract), and every symbol of a line whose
 * digits have the length of the card's number or PIN (and differ from it in at most MAX_SLIPS
 * places, so position i is digit i) is cut out with the true digit as its label. Tesseract's own
 * reading is kept beside it, so the evaluation can count what the classifier would mend and break.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabelsCsv, type LabelRow } from '../../src/recognition/labels-csv.js';
import { createServedClassifier } from '../../src/recognition/served-classifier.js';
import { decodeImage, letterbox, toPhotoPoints } from '../../src/recognition/preprocess.js';
import { OcrPool } from '../../src/recognition/ocr-pool.js';
import { BW_STYLE, GREY_STYLE, prepareCard, readPage, REREAD_STYLE } from '../../src/recognition/ocr-card.js';
import type { StackStyle } from '../../src/recognition/line-stack.js';
import { boxAspect, glyphCell, GLYPH_H, GLYPH_W } from '../../src/recognition/digit-glyph.js';
import type { Point } from '../../src/recognition/geometry.js';

/** A line of the truth's length with more slips than this is misaligned or another line. */
const MAX_SLIPS = 3;
/** The read styles glyphs are cut from: serving's (ocr-card.ts). */
export const HARVEST_STYLES: Record<string, StackStyle> = { grey: GREY_STYLE, bw: BW_STYLE, reread: REREAD_STYLE };

export interface Glyph {
  /** GLYPH_W × GLYPH_H cell, ink 1. */
  cell: Float32Array;
  aspect: number;
  truth: number;
  /** Tesseract's digit after the zero check (what the pipeline would use). */
  read: number;
  photo: string;
  style: string;
  /** The read line's index on its page (glyphs of one line share photo, style and line). */
  line: number;
  field: 'serial' | 'pin';
}

const hamming = (a: string, b: string) => [...a].reduce((n, c, i) => n + (c === b[i] ? 0 : 1), 0);

export async function harvestPhoto(pool: OcrPool, classify: (input: Float32Array) => Promise<Point[] | null>, image: Buffer, row: LabelRow, styles: string[]): Promise<Glyph[]> {
  const img = await decodeImage(image);
  const lb = await letterbox(img);
  const corners = await classify(lb.input);
  const quad = corners ? toPhotoPoints(lb, corners) : null;
  const p = prepareCard(img, quad);
  if (p.lines.length === 0) return [];
  const truths: Array<[Glyph['field'], string]> = [];
  if (row.serial) truths.push(['serial', row.serial]);
  if (row.pin && !row.pinOccluded) truths.push(['pin', row.pin]);
  const out: Glyph[] = [];
  for (const style of styles) {
    const { stack, lines } = await readPage(pool, p, HARVEST_STYLES[style]);
    for (const [li, line] of lines.entries()) {
      const symbols = (line.words ?? []).flatMap((w) => w.symbols ?? []).filter((s) => /^\d$/.test(s.text));
      const read = symbols.map((s) => s.text).join('');
      const match = truths.find(([, t]) => t.length === read.length && hamming(t, read) <= MAX_SLIPS);
      if (!match) continue;
      symbols.forEach((s, i) => {
        const cell = glyphCell(stack, s.bbox);
        if (!cell) return;
        out.push({ cell, aspect: boxAspect(s.bbox), truth: Number(match[1][i]), read: Number(s.text), photo: row.file, style, line: li, field: match[0] });
      });
    }
  }
  return out;
}

/** Every photo of `dir` (labels.csv beside them), `workers` at a time, with the corners of `modelDir`'s classifier. */
export async function harvestFolder(dir: string, modelDir: string, styles: string[], workers: number, onPhoto?: () => void): Promise<Glyph[]> {
  const rows = readLabelsCsv(join(dir, 'labels.csv'));
  const served = await createServedClassifier(modelDir);
  const pool = new OcrPool(workers);
  const classify = async (input: Float32Array) => (await served.cnn.classify([input]))[0].corners ?? null;
  const out: Glyph[] = [];
  let next = 0;
  try {
    await Promise.all(Array.from({ length: workers }, async () => {
      while (next < rows.length) {
        const row = rows[next++];
        out.push(...await harvestPhoto(pool, classify, readFileSync(join(dir, row.file)), row, styles));
        onPhoto?.();
      }
    }));
  } finally {
    await Promise.all([pool.close(), served.close()]);
  }
  return out.sort((a, b) => a.photo.localeCompare(b.photo));
}

/** Glyphs as one binary file: per glyph, GLYPH_W×GLYPH_H bytes of ink, then a JSON index. */
export function encodeGlyphs(glyphs: Glyph[]): { cells: Buffer; index: string } {
  const n = GLYPH_W * GLYPH_H;
  const cells = Buffer.alloc(glyphs.length * n);
  glyphs.forEach((g, i) => { for (let k = 0; k < n; k++) cells[i * n + k] = Math.round(g.cell[k] * 255); });
  return { cells, index: JSON.stringify(glyphs.map(({ cell: _c, ...rest }) => rest)) };
}

export function decodeGlyphs(cells: Buffer, index: string): Glyph[] {
  const n = GLYPH_W * GLYPH_H;
  return (JSON.parse(index) as Array<Omit<Glyph, 'cell'>>).map((g, i) => ({ ...g, cell: Float32Array.from(cells.subarray(i * n, (i + 1) * n), (v) => v / 255) }));
}
