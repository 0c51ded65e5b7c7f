/**
 * A pool of tesseract.js workers, started once (lazily, on first use) and shared by all requests.
 * Offline: traineddata comes from @tesseract.js-data/eng, nothing is downloaded or cached.
 * Digits-only whitelist by default (carrier-names.ts runs a pool of its own for letters);
 * single-block segmentation by default: the stacked line page of ocr-card.ts is
 * one clean column of equal-height lines, and skipping tesseract's sparse-text search for scattered
 * text saves about a third of its time without losing reads (development set).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import Tesseract from 'tesseract.js';

export interface OcrSymbol { text: string; bbox: { x0: number; y0: number; x1: number; y1: number } }
/** `symbols`: each character's box on the page (zero-check.ts looks at the glyph there). */
export interface OcrWord { text: string; confidence: number; height: number; symbols?: OcrSymbol[] }
export interface OcrLine { text: string; confidence: number; words?: OcrWord[]; bbox?: { x0: number; y0: number; x1: number; y1: number } }

/** The default whitelist: card numbers, PINs and face values are digits. */
export const DIGITS = '0123456789 ';

export class OcrPool {
  private scheduler: Tesseract.Scheduler | undefined;
  private starting: Promise<Tesseract.Scheduler> | undefined;

  constructor(
    private readonly size: number = Math.max(1, availableParallelism()),
    private readonly psm: Tesseract.PSM = Tesseract.PSM.SINGLE_BLOCK,
    /** Characters tesseract may read: digits by default; carrier-names.ts reads letters. */
    private readonly whitelist: string = DIGITS,
  ) {}

  private start(): Promise<Tesseract.Scheduler> {
    this.starting ??= (async () => {
      const require = createRequire(import.meta.url);
      const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
      const scheduler = Tesseract.createScheduler();
      const workers = await Promise.all(Array.from({ length: this.size }, async () => {
        const w = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
        // No retry of unsure lines with their colours inverted: the patches are always dark on light, and the
        // retries cost ~20% of OCR time for the same reads (development set).
        await w.setParameters({ tessedit_char_whitelist: this.whitelist, tessedit_pageseg_mode: this.psm, user_defined_dpi: '300', tessedit_do_invert: '0' });
        return w;
      }));
      for (const w of workers) scheduler.addWorker(w);
      this.scheduler = scheduler;
      return scheduler;
    })();
    return this.starting;
  }

  /** Starts the workers now (e.g. at server start) instead of on the first image. */
  async warmUp(): Promise<void> {
    await this.start();
  }

  /** `rotateAuto` lets tesseract deskew; callers that already deskewed skip its cost. */
  async readLines(image: Buffer, rotateAuto = true): Promise<OcrLine[]> {
    const scheduler = await this.start();
    const res = await scheduler.addJob('recognize', image, { rotateAuto }, { blocks: true, text: true });
    const lines: OcrLine[] = [];
    for (const b of res.data.blocks ?? []) for (const p of b.paragraphs) for (const l of p.lines) {
      lines.push({
        text: l.text.trim(), confidence: l.confidence / 100, bbox: l.bbox,
        words: l.words.map((w) => ({
          text: w.text.trim(), confidence: w.confidence / 100, height: w.bbox.y1 - w.bbox.y0,
          symbols: w.symbols.map((s) => ({ text: s.text, bbox: s.bbox })),
        })),
      });
    }
    return lines;
  }

  async close(): Promise<void> {
    const s = this.scheduler ?? (this.starting ? await this.starting : undefined);
    this.scheduler = undefined;
    this.starting = undefined;
    if (s) await s.terminate();
  }
}
