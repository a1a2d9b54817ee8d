/**
 * The sampler's own account (gaps, failed samples) as it bears on one check's window: a
 * verdict drawn over a stretch the sampler missed must say so, never drop it silently.
 */
import type { CheckDetail, RunRecord } from '../model/record';
import { formatDuration } from '../model/units';
import { spanSeconds, type Window } from './windows';

/** The sampler's gaps and errors inside a window. */
export interface SamplingIssues {
  /** Gaps clipped to the window. */
  gaps: Window[];
  errors: Array<{ tMs: number; message: string }>;
  /** `; sampling: 1 gap (3.00–4.50 s), 1 failed sample (at 3.20 s: …) in this window`, or '' when clean. */
  text: string;
  details: CheckDetail[];
}

/** The sampler's gaps and failed samples that overlap `window` (none when the record has no sampling account). */
export function samplingIssues(record: RunRecord, window: Window): SamplingIssues {
  const s = record.sampling;
  const gaps = (s?.gaps ?? [])
    .map((g) => ({ fromMs: Math.max(g.fromMs, window.fromMs), toMs: Math.min(g.toMs, window.toMs) }))
    .filter((g) => g.toMs > g.fromMs);
  const errors = (s?.errors ?? []).filter((e) => e.tMs >= window.fromMs && e.tMs <= window.toMs);
  if (gaps.length === 0 && errors.length === 0) return { gaps, errors, text: '', details: [] };
  const longest = Math.max(0, ...gaps.map((g) => g.toMs - g.fromMs));
  const parts: string[] = [];
  if (gaps.length) parts.push(`${gaps.length} gap${gaps.length === 1 ? '' : 's'} with no sample (${gaps.slice(0, 3).map(spanSeconds).join(', ')}${gaps.length > 3 ? ', …' : ''}; longest ${formatDuration(longest)})`);
  if (errors.length) parts.push(`${errors.length} failed sample${errors.length === 1 ? '' : 's'} (first at ${(errors[0]!.tMs / 1000).toFixed(2)} s: ${errors[0]!.message})`);
  return {
    gaps,
    errors,
    text: `; sampling: ${parts.join(', ')} in this window`,
    details: [
      { name: 'sampling gaps in the window', value: gaps.length, unit: 'gaps' },
      ...(gaps.length ? [{ name: 'longest sampling gap in the window', value: longest, unit: 'ms' }] : []),
      { name: 'failed samples in the window', value: errors.length, unit: 'samples' },
    ],
  };
}
