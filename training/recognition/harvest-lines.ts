/**
 * Training lines for the line reader, cut the way serving cuts them: each generated photo goes
 * through the served steps (classifier corners → upright card → text lines), and every number line
 * (a long chain or a panel) that covers where the generator printed the card number or the
 * revealed PIN is cut as a reader patch (reader-patch.ts) with those digits as its label. A
 * covered PIN's panel is kept with an empty label (nothing to read); a partly scratched or
 * occluded one is left out (its digits are not all there). One more number-like line a photo, on
 * the card and clear of every printed number (the labels, the carrier's names), is kept with an
 * empty label too: serving reads every long line, and a reader that never saw one read a line
 * over the card number as a chain of 0s, 1s and 4s, sure enough to outvote the card number.
 *
 * With `--target values` it cuts the big print for the value reader instead (harvest-value-lines.ts),
 * with `--target both` both, from one pass over the photos.
 *
 *   tsx training/recognition/harvest-lines.ts --seed 600001 --from 0 --to 2000 --split train --out FILE [--target numbers|values|both]
 * writes FILE.bin (patches, one byte a pixel) and FILE.json (index: width, label, photo, field).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderPhoto, type PhotoSample } from './photo.js';
import type { CardBox } from './card-design.js';
import { FONTS, PATCH_EXTRA_FONTS, type Split } from './splits.js';
import { createServedClassifier } from '../../src/recognition/served-classifier.js';
import { defaultModelDir } from '../../src/recognition/model-meta.js';
import { decodeImage, letterbox, toPhotoPoints } from '../../src/recognition/preprocess.js';
import { prepareCard } from '../../src/recognition/ocr-card.js';
import type { TextLine } from '../../src/recognition/text-lines.js';
import { isTrainedReaderLine } from '../../src/recognition/reader-lines.js';
import type { Point } from '../../src/recognition/geometry.js';
import { cardEnds, cardFrame, nearBox, onCardEnds, spanOf, type LabelledCard, type Span } from './line-frame.js';
import { cutValueLines } from './harvest-value-lines.js';
import { readerPatch, READER_H } from '../../src/recognition/reader-patch.js';

/**
 * `field` 'other': a number-like line that is neither number, labelled as nothing; 'value': the
 * big print, and 'tall': another line of its height, labelled as nothing (harvest-value-lines.ts).
 */
export interface HarvestedLine { width: number; label: string; photo: number; field: 'serial' | 'pin' | 'other' | 'value' | 'tall' }

/** Lines with nothing to read kept a photo (the nearest to a number first, the most confusable). */
export const OTHER_LINES_PER_PHOTO = 1;

/**
 * Whether a line with this span is the whole of the digits printed in `box`: level with it, and
 * reaching from within a digit of its first to within a digit of its last. A line that broke into
 * pieces is not labelled (part of the digits would be named for the whole).
 */
function coversBox({ left, right, midY }: Span, box: CardBox, digits: number): boolean {
  const digitW = box.w / Math.max(1, digits);
  return Math.abs(midY - (box.y + box.h / 2)) < 0.6 * box.h
    && left <= box.x + 0.7 * digitW && right >= box.x + box.w - 0.7 * digitW
    && left >= box.x - 3 * box.h && right <= box.x + box.w + 3 * box.h;
}

/** A line on the card, clear of the numbers (and of their pieces, a number's height each way) and of the face values. */
function clearOfDigits(ends: [Point, Point], p: PhotoSample): boolean {
  const onCard = onCardEnds(ends);
  const span = spanOf(ends);
  return onCard && ![p.serialBox, p.pinBox].some((b) => nearBox(span, b, b.h)) && !p.valueBoxes.some((b) => nearBox(span, b, 10));
}

/** A harvested line's patch, with its label. */
export interface CutLine { line: HarvestedLine; data: Float32Array }

/** The photo's card as serving prepares it (the served corners, upright, its lines), and the map from its photo pixels to card units. */
export async function preparePhoto(p: PhotoSample, corners: (input: Float32Array) => Promise<Point[] | null>): Promise<LabelledCard> {
  const img = await decodeImage(p.image);
  const lb = await letterbox(img);
  const c = await corners(lb.input);
  return { p, prepared: prepareCard(img, c ? toPhotoPoints(lb, c) : null), toCard: cardFrame(p, img.width) };
}

/** The number lines of a photo's card, labelled from where the generator printed the numbers. */
export function cutNumberLines({ p, prepared, toCard }: LabelledCard, photo: number): CutLine[] {
  const targets: Array<{ field: HarvestedLine['field']; box: CardBox; label: string; digits: number }> = [];
  if (!p.serialOccluded) targets.push({ field: 'serial', box: p.serialBox, label: p.spec.serial, digits: p.spec.serial.length });
  if (p.spec.pinState === 'revealed' && !p.pinOccluded) targets.push({ field: 'pin', box: p.pinBox, label: p.spec.pin, digits: p.spec.pin.length });
  if (p.spec.pinState === 'covered') targets.push({ field: 'pin', box: p.pinBox, label: '', digits: p.spec.pin.length });
  const out: CutLine[] = [];
  const others: Array<{ line: TextLine; distance: number }> = [];
  const numbersY = [p.serialBox, p.pinBox].map((b) => b.y + b.h / 2);
  for (const l of prepared.lines.filter(isTrainedReaderLine)) {
    const ends = cardEnds(prepared.card, toCard, l);
    const span = spanOf(ends);
    const t = targets.find((x) => coversBox(span, x.box, x.digits));
    if (t) {
      const patch = readerPatch(prepared.card.gray, l);
      out.push({ line: { width: patch.width, label: t.label, photo, field: t.field }, data: patch.data });
    } else if (clearOfDigits(ends, p)) {
      others.push({ line: l, distance: Math.min(...numbersY.map((y) => Math.abs(span.midY - y))) });
    }
  }
  for (const { line } of others.sort((a, b) => a.distance - b.distance).slice(0, OTHER_LINES_PER_PHOTO)) {
    const patch = readerPatch(prepared.card.gray, line);
    out.push({ line: { width: patch.width, label: '', photo, field: 'other' }, data: patch.data });
  }
  return out;
}

/**
 * `fonts` 'extended': the training fonts and the synthetic patches' typefaces (splits.ts
 * PATCH_EXTRA_FONTS, none a clone of a held-out font), so the reader sees more digit shapes than
 * five fonts and DejaVu Sans Mono.
 */
/** `target`: the lines cut, for the line reader ('numbers', the default), the value reader ('values') or both. */
export interface LineJob { seed: number; split: Split; modelDir: string; fonts?: 'training' | 'extended'; target?: 'numbers' | 'values' | 'both' }
export interface HarvestedLines { height: number; lines: HarvestedLine[]; pixels: Uint8Array; photos: number }

/** Consecutive parts of one harvest (photo ranges cut by workers) as one. */
export function mergeHarvests(parts: HarvestedLines[]): HarvestedLines {
  const pixels = new Uint8Array(parts.reduce((n, p) => n + p.pixels.length, 0));
  let off = 0;
  for (const p of parts) { pixels.set(p.pixels, off); off += p.pixels.length; }
  return { height: parts[0].height, lines: parts.flatMap((p) => p.lines), pixels, photos: parts.reduce((n, p) => n + p.photos, 0) };
}

/** Photo `i` of a line job: training photos alternate the training and the hard knobs (blur and JPEG loss of both kinds). */
export const lineJobPhoto = (o: LineJob, i: number): Promise<PhotoSample> =>
  renderPhoto(o.seed, i, { split: o.split, difficulty: o.split === 'holdout' || i % 2 ? 'hard' : 'train', longSide: 1600, balanced: true,
    ...(o.fonts === 'extended' ? { fonts: [...FONTS.train, ...PATCH_EXTRA_FONTS] } : {}) });

/** The lines of photos from..to-1, their patches one byte a pixel, in order. */
export async function harvestRange(o: LineJob, from: number, to: number, tick?: () => void): Promise<HarvestedLines> {
  const served = await createServedClassifier(o.modelDir);
  const corners = async (input: Float32Array) => (await served.cnn.classify([input]))[0].corners ?? null;
  const lines: HarvestedLine[] = []; const chunks: Uint8Array[] = [];
  try {
    for (let i = from; i < to; i++) {
      const card = await preparePhoto(await lineJobPhoto(o, i), corners);
      const cut = [...(o.target !== 'values' ? cutNumberLines(card, i) : []), ...(o.target !== 'numbers' ? cutValueLines(card, i) : [])];
      for (const { line, data } of cut) {
        lines.push(line);
        chunks.push(Uint8Array.from(data, (v) => Math.round(v * 255)));
      }
      tick?.();
    }
  } finally {
    await served.close();
  }
  return { height: READER_H, lines, pixels: Buffer.concat(chunks), photos: to - from };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    seed: { type: 'string', default: '600001' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: '1000' },
    split: { type: 'string', default: 'train' }, out: { type: 'string' }, 'model-dir': { type: 'string' }, fonts: { type: 'string', default: 'training' },
    target: { type: 'string', default: 'numbers' },
  } });
  if (!values.out) throw new Error('--out FILE is required');
  const job: LineJob = { seed: Number(values.seed), split: values.split === 'holdout' ? 'holdout' : 'train', modelDir: values['model-dir'] ?? defaultModelDir(), fonts: values.fonts === 'extended' ? 'extended' : 'training', target: values.target === 'values' || values.target === 'both' ? values.target : 'numbers' };
  const from = Number(values.from); const to = Number(values.to);
  let done = 0; const t0 = Date.now();
  const r = await harvestRange(job, from, to, () => { if (++done % 100 === 0) console.error(`${done}/${to - from} photos, ${((Date.now() - t0) / 1000).toFixed(0)} s`); });
  writeFileSync(`${values.out}.bin`, r.pixels);
  writeFileSync(`${values.out}.json`, JSON.stringify({ height: r.height, ...job, from, to, photos: r.photos, lines: r.lines }));
  console.log(`${r.lines.length} lines from ${to - from} photos → ${values.out}.bin`);
}

if (process.argv[1]?.endsWith('harvest-lines.ts')) await main();
