/** Error accumulators; all results are fractions (0.0065), never percentages. */
export interface ErrorSummary {
  mape: number;
  mae: number;
}

export class ErrorAccumulator {
  private n = 0;
  private ape = 0;
  private ae = 0;
  add(actual: number, predicted: number): void {
    const e = Math.abs(actual - predicted);
    this.n++;
    this.ae += e;
    this.ape += e / Math.abs(actual);
  }
  get count(): number {
    return this.n;
  }
  summary(): ErrorSummary {
    return this.n === 0 ? { mape: Number.NaN, mae: Number.NaN } : { mape: this.ape / this.n, mae: this.ae / this.n };
  }
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
