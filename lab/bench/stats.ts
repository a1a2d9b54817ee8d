/**
 * The bench's statistics: min / median / max / mean / stdev of repeated measurements, and
 * of the per-pair ratios of interleaved measurements (A1/B1, A2/B2, ...), which cancel the
 * slow drift of a noisy machine better than a ratio of medians. Pure.
 */

export interface Stats {
  n: number;
  min: number;
  median: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  stdev: number;
}

/** The middle value; for an even count, the mean of the two middle ones. NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample standard deviation (divides by n - 1): 0 for one value, NaN for none. */
export function stdev(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  if (values.length === 1) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** Statistics of the finite values; undefined when there is none (a figure that could not be measured). */
export function stats(values: readonly number[]): Stats | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return {
    n: finite.length,
    min: Math.min(...finite),
    median: median(finite),
    max: Math.max(...finite),
    mean: mean(finite),
    stdev: stdev(finite),
  };
}

/**
 * Ratios of paired measurements a[i] / b[i] (interleaved runs: a[i] and b[i] were taken next
 * to each other). Pairs where either side is missing or b is 0 are left out.
 */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y) && y !== 0) out.push(x / y);
  }
  return out;
}

/** Statistics of the per-pair ratios a[i] / b[i]. */
export function ratioStats(a: readonly number[], b: readonly number[]): Stats | undefined {
  return stats(pairRatios(a, b));
}

/** Each value divided by a constant (a fraction of a capacity). */
export function scaled(values: readonly number[], by: number): number[] {
  return values.map((v) => v / by);
}
