/**
 * The line reader: a small CTC network (trained by training/recognition/train-line-reader.ts,
 * served by onnxruntime-node) that reads a number line's reader patch (reader-patch.ts) into
 * digits. It is a second reader beside tesseract for the card number and PIN lines: trained on
 * the pipeline's own blurred, low-contrast lines, it reads many that tesseract returns nothing for.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { bestOfLength, greedyDecode } from './ctc-decode.js';
import type { ReaderPatch } from './reader-patch.js';

export const LINE_READER_FILE = 'line-reader.onnx';
/** Columns per output step: the network pools the width by 4 (train-line-reader.ts CONV_STAGES). */
const STRIDE = 4;
/** Ten digits and the blank, last. */
export const LINE_READER_CLASSES = 11;
const CLASSES = LINE_READER_CLASSES;

export interface LineRead {
  /** The digits read, in order (the best path). */
  text: string;
  /** Probability of the least sure digit (0 when nothing was read). */
  confidence: number;
  /**
   * The best readings of each of `lengths` one digit off the best path's length, with their
   * likelihood against it (0..1): a number read one digit short or long is often right at its
   * printed length.
   */
  alternatives: Array<{ text: string; likelihood: number }>;
}

export interface LineReader {
  /** `lengths`: the text lengths worth an alternative reading (the carriers' number lengths). */
  read(patches: ReaderPatch[], lengths?: number[]): Promise<LineRead[]>;
  close(): Promise<void>;
}

/** The reader of a model folder (`file`: the line reader's, or the value reader's), or null when the folder has none (an older model). */
export async function loadLineReader(modelDir: string, file = LINE_READER_FILE): Promise<LineReader | null> {
  const path = join(modelDir, file);
  if (!existsSync(path)) return null;
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    async read(patches, lengths = []) {
      const out: LineRead[] = [];
      // One patch a run: widths differ, and a handful of lines a card cost a few milliseconds.
      for (const p of patches) {
        const width = Math.ceil(p.width / STRIDE) * STRIDE;
        const data = new Float32Array(p.height * width);
        for (let v = 0; v < p.height; v++) data.set(p.data.subarray(v * p.width, (v + 1) * p.width), v * width);
        const res = await session.run({ patch: new ort.Tensor('float32', data, [1, p.height, width, 1]) });
        const logits = res.logits.data as Float32Array;
        const t = logits.length / CLASSES;
        const { symbols, probs, logProb } = greedyDecode(logits, t, CLASSES);
        const alternatives = lengths.filter((n) => Math.abs(n - symbols.length) === 1).flatMap((n) => {
          const alt = bestOfLength(logits, t, CLASSES, n);
          return alt ? [{ text: alt.symbols.join(''), likelihood: Math.exp(alt.logProb - logProb) }] : [];
        });
        out.push({ text: symbols.join(''), confidence: probs.length ? Math.min(...probs) : 0, alternatives });
      }
      return out;
    },
    async close() {
      await session.release();
    },
  };
}
