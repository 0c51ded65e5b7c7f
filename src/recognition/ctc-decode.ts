/**
 * Reading a CTC line model's output (line-reader.ts): per column, class scores over the ten
 * digits and a blank (the last class); the text is the best path with repeats merged and blanks
 * dropped. The loss it was trained with is training/recognition/ctc.ts.
 */

/** Log-softmax of each of T rows of C logits. */
export function logSoftmaxRows(logits: ArrayLike<number>, t: number, c: number): Float64Array {
  const out = new Float64Array(t * c);
  for (let i = 0; i < t; i++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, logits[i * c + k]);
    let z = 0;
    for (let k = 0; k < c; k++) z += Math.exp(logits[i * c + k] - m);
    const lz = m + Math.log(z);
    for (let k = 0; k < c; k++) out[i * c + k] = logits[i * c + k] - lz;
  }
  return out;
}

/**
 * Best path: the most likely class of each column, repeats merged, blanks dropped; with each kept
 * symbol's probability and the path's log probability (what bestOfLength gives at its length).
 */
export function greedyDecode(logits: ArrayLike<number>, t: number, c: number): { symbols: number[]; probs: number[]; logProb: number } {
  const y = logSoftmaxRows(logits, t, c);
  const symbols: number[] = []; const probs: number[] = [];
  let prev = c - 1;
  let logProb = 0;
  for (let i = 0; i < t; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (y[i * c + k] > y[i * c + best]) best = k;
    logProb += y[i * c + best];
    if (best !== c - 1 && best !== prev) { symbols.push(best); probs.push(Math.exp(y[i * c + best])); }
    else if (best !== c - 1 && best === prev) probs[probs.length - 1] = Math.max(probs[probs.length - 1], Math.exp(y[i * c + best]));
    prev = best;
  }
  return { symbols, probs, logProb };
}

/**
 * The most likely single path whose text has exactly `length` symbols (Viterbi over columns ×
 * symbols emitted × the column's class), and its log probability; null when no path fits. A card
 * number or PIN has a known length: a best path one digit short often has the right digits at
 * this length.
 */
export function bestOfLength(logits: ArrayLike<number>, t: number, c: number, length: number): { symbols: number[]; logProb: number } | null {
  const blank = c - 1;
  const y = logSoftmaxRows(logits, t, c);
  const states = (length + 1) * c;
  // score[n * c + k]: best log probability of a path over columns 0..i that emitted n symbols and is in class k at column i.
  let score = new Float64Array(states).fill(-Infinity);
  const back: Int32Array[] = [];
  score[blank] = y[blank];
  if (length > 0) for (let k = 0; k < blank; k++) score[c + k] = y[k];
  back.push(new Int32Array(states).fill(-1));
  for (let i = 1; i < t; i++) {
    const next = new Float64Array(states).fill(-Infinity);
    const from = new Int32Array(states).fill(-1);
    for (let n = 0; n <= length; n++) for (let k = 0; k < c; k++) {
      const s = score[n * c + k];
      if (s === -Infinity) continue;
      for (let j = 0; j < c; j++) {
        // Blank or the same symbol again emits nothing; another symbol emits one.
        const m = j === blank || j === k ? n : n + 1;
        if (m > length) continue;
        const v = s + y[i * c + j];
        if (v > next[m * c + j]) { next[m * c + j] = v; from[m * c + j] = n * c + k; }
      }
    }
    score = next;
    back.push(from);
  }
  let best = -1;
  for (let k = 0; k < c; k++) if (best < 0 || score[length * c + k] > score[best]) best = length * c + k;
  if (score[best] === -Infinity) return null;
  const logProb = score[best];
  const classes: number[] = [];
  for (let i = t - 1, s = best; i >= 0; i--) { classes.push(s % c); s = back[i][s]; }
  classes.reverse();
  const symbols: number[] = [];
  classes.forEach((k, i) => { if (k !== blank && (i === 0 || classes[i - 1] !== k)) symbols.push(k); });
  return { symbols, logProb };
}
