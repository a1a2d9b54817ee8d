/**
 * Time windows over a RunRecord's series, shared by the checks.
 *
 * A sample at t[i] holds the rate over the interval that ENDS at t[i] (a counter delta
 * divided by the interval). A sample belongs to a window when the midpoint of its
 * interval lies in the window, so the sample straddling a cut counts on the side where
 * most of it was, and jitter of a few ms in sample times does not move samples across.
 */
import type { RunRecord, Series } from '../model/record';

export { WARMUP_MS } from '../model/plan';
/** Fewer samples than this is no measurement: one or two samples are noise. */
export const MIN_SAMPLES = 3;

export interface Window {
  fromMs: number;
  toMs: number;
}

/** The median step between a series' samples (robust to one late sample), or `fallbackMs`. */
export function sampleIntervalMs(series: Series, fallbackMs: number): number {
  const steps: number[] = [];
  for (let i = 1; i < series.t.length; i++) steps.push((series.t[i] ?? 0) - (series.t[i - 1] ?? 0));
  if (steps.length === 0) return fallbackMs;
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? fallbackMs;
  return median > 0 ? median : fallbackMs;
}

/** Indices of the samples whose interval midpoint lies in [fromMs, toMs]. */
export function samplesIn(series: Series, window: Window, intervalMs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < series.t.length; i++) {
    const mid = (series.t[i] ?? NaN) - intervalMs / 2;
    if (mid >= window.fromMs && mid <= window.toMs) out.push(i);
  }
  return out;
}

/**
 * Indices of the samples whose whole interval lies in [fromMs, toMs]: for "nothing may flow
 * here" windows, where the sample straddling either edge holds bytes from outside (a late
 * sample on a busy machine can straddle by more than one interval, so no fixed grace fits).
 */
export function samplesWithin(series: Series, window: Window): number[] {
  const out: number[] = [];
  for (let i = 1; i < series.t.length; i++) {
    if ((series.t[i - 1] ?? NaN) >= window.fromMs && (series.t[i] ?? NaN) <= window.toMs) out.push(i);
  }
  return out;
}

/** Mean of the values at the given indices (NaN for none). */
export function meanAt(series: Series, indices: readonly number[]): number {
  if (indices.length === 0) return NaN;
  let sum = 0;
  for (const i of indices) sum += series.v[i] ?? 0;
  return sum / indices.length;
}

/** Bytes a bit/s series carried over the given samples, each weighted by its own interval (NaN when a sample has no value). */
export function bytesAt(series: Series, indices: readonly number[], intervalMs: number): number {
  let bits = 0;
  for (const i of indices) {
    const step = i > 0 ? (series.t[i] ?? 0) - (series.t[i - 1] ?? 0) : intervalMs;
    bits += (series.v[i] ?? NaN) * (step > 0 ? step : intervalMs) / 1000;
  }
  return bits / 8;
}

/** The traffic's own window: from its start to its end. */
export function trafficWindow(record: RunRecord): Window {
  return { fromMs: record.traffic.startedMs, toMs: record.traffic.endedMs };
}

/** `3.01 s`: times in messages are seconds from the traffic start, like the report's x axis. */
export function atSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `0.50–3.01 s`. */
export function spanSeconds(window: Window): string {
  return `${(window.fromMs / 1000).toFixed(2)}–${(window.toMs / 1000).toFixed(2)} s`;
}

/** The series a rate check measures: application goodput where it has samples in the window, else link throughput. */
export interface ThroughputSamples {
  series: Series;
  source: 'goodput' | 'aggregate';
  /** How messages name the source. */
  label: string;
  intervalMs: number;
  indices: number[];
}

/** Picks goodput when it has samples in the window, else the aggregate link throughput (and says so). */
export function throughputIn(record: RunRecord, window: Window): ThroughputSamples {
  const goodputInterval = sampleIntervalMs(record.goodput, record.intervalMs);
  const goodput = samplesIn(record.goodput, window, goodputInterval);
  if (goodput.length > 0) {
    return { series: record.goodput, source: 'goodput', label: 'goodput', intervalMs: goodputInterval, indices: goodput };
  }
  const interval = sampleIntervalMs(record.aggregate, record.intervalMs);
  return {
    series: record.aggregate,
    source: 'aggregate',
    label: 'link throughput (no goodput samples)',
    intervalMs: interval,
    indices: samplesIn(record.aggregate, window, interval),
  };
}

/** Why a window cannot be measured, or undefined when it can. */
export function tooFewSamples(count: number, window: Window, what: string): string | undefined {
  if (window.toMs <= window.fromMs) return `${what} is empty (${spanSeconds(window)})`;
  if (count < MIN_SAMPLES) {
    return `${what} (${spanSeconds(window)}) holds ${count} sample${count === 1 ? '' : 's'}; at least ${MIN_SAMPLES} are needed`;
  }
  return undefined;
}

/** The interval sample i covers: from the previous sample (or `fallbackMs` before it) to its own time. */
export function sampleSpan(series: Series, i: number, fallbackMs: number): Window {
  const toMs = series.t[i] ?? NaN;
  const prev = i > 0 ? series.t[i - 1] : undefined;
  return { fromMs: prev !== undefined && prev < toMs ? prev : toMs - fallbackMs, toMs };
}

/**
 * The mean rate over a window, each sample weighted by how much of its own interval lies in
 * it (NaN when no sample covers it, or a covering sample has no value), and the ms covered.
 */
export function timeWeightedMean(series: Series, window: Window, fallbackMs: number): { mean: number; coveredMs: number } {
  let weighted = 0;
  let coveredMs = 0;
  for (let i = 0; i < series.t.length; i++) {
    const span = sampleSpan(series, i, fallbackMs);
    const overlap = Math.min(span.toMs, window.toMs) - Math.max(span.fromMs, window.fromMs);
    if (!(overlap > 0)) continue;
    // null (a NaN read back from result.json) would count as 0 in arithmetic: make it NaN.
    const v = series.v[i];
    weighted += (typeof v === 'number' ? v : NaN) * overlap;
    coveredMs += overlap;
  }
  return { mean: coveredMs > 0 ? weighted / coveredMs : NaN, coveredMs };
}
