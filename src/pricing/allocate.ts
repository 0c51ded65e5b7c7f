/**
 * Splits an already-rounded integer total over exact (float) parts so the integer parts add up
 * to the total exactly (largest remainder). The total is rounded once, by roundMoney; this only
 * decides how the breakdown displays it.
 */
export function allocateIntegers(exact: readonly number[], total: number): number[] {
  const floors = exact.map((x) => Math.floor(x + 1e-9));
  let deficit = total - floors.reduce((a, b) => a + b, 0);
  if (deficit < 0 || deficit > exact.length) throw new RangeError(`cannot allocate ${total} over parts summing to ${exact.reduce((a, b) => a + b, 0)}`);
  const order = exact.map((x, i) => ({ i, frac: x - floors[i] })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  const out = floors.slice();
  for (const { i } of order) {
    if (deficit === 0) break;
    out[i]++;
    deficit--;
  }
  return out;
}
