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

/** Best path: the most likely class of each column, repeats merged, blanks dropped; with each kept symbol's probability. */
export function greedyDecode(logits: ArrayLike<number>, t: number, c: number): { symbols: number[]; probs: number[] } {
  const y = logSoftmaxRows(logits, t, c);
  const symbols: number[] = []; const probs: number[] = [];
  let prev = c - 1;
  for (let i = 0; i < t; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (y[i * c + k] > y[i * c + best]) best = k;
    if (best !== c - 1 && best !== prev) { symbols.push(best); probs.push(Math.exp(y[i * c + best])); }
    else if (best !== c - 1 && best === prev) probs[probs.length - 1] = Math.max(probs[probs.length - 1], Math.exp(y[i * c + best]));
    prev = best;
  }
  return { symbols, probs };
}
