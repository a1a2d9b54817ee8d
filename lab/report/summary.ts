/** Counts of check statuses and the exit code they imply (lab/model/errors.ts: 1 = a check failed). */
import type { CheckResult, RunRecord } from '../model/record';

export interface ReportSummary {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** 0 when nothing failed or errored; 1 otherwise (a check that could not be measured is not a pass). */
  exitCode: 0 | 1;
}

/** Counts the statuses; `error` fails the run like `fail` does. */
export function summarizeChecks(checks: readonly CheckResult[]): ReportSummary {
  const count = (s: CheckResult['status']) => checks.filter((c) => c.status === s).length;
  const failed = count('fail');
  const errors = count('error');
  return { passed: count('pass'), failed, errors, skipped: count('skipped'), exitCode: failed + errors > 0 ? 1 : 0 };
}

/** `PASS`, `FAIL` or `NO CHECKS`: the one word a banner shows. */
export function verdictWord(summary: ReportSummary): 'PASS' | 'FAIL' | 'NO CHECKS' {
  if (summary.exitCode !== 0) return 'FAIL';
  return summary.passed + summary.skipped === 0 ? 'NO CHECKS' : 'PASS';
}

/** `7 passed, 1 failed, 0 errors, 0 skipped`. */
export function countsText(s: ReportSummary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.skipped} skipped`;
}

/**
 * `plain TCP on the same lab: 940.0 Mbit/s; MPTCP's gain ×1.98`, or, when the baseline
 * measured nothing, that it did and that no gain can be stated (a ratio against 0 is no gain).
 */
export function gainText(baseline: NonNullable<RunRecord['baseline']>, formatRate: (bps: number) => string): string {
  if (baseline.invalid) return `plain TCP baseline not usable: ${baseline.invalid}; no gain stated`;
  const measured = Number.isFinite(baseline.goodputBps) && baseline.goodputBps > 0;
  if (!measured || !Number.isFinite(baseline.gainRatio) || baseline.gainRatio <= 0) {
    return `plain TCP on the same lab measured nothing (${measured ? `${formatRate(baseline.goodputBps)}, gain ratio ${baseline.gainRatio}` : 'no goodput'}): no gain stated`;
  }
  return `plain TCP on the same lab: ${formatRate(baseline.goodputBps)}; MPTCP's gain ×${baseline.gainRatio.toFixed(2)}`;
}

/** `sampler: 112 samples, 3 skipped ticks, 1 failed sample (first at 4.20 s: EIO), 1 gap (4.00–4.30 s)`, or undefined when it had nothing to confess. */
export function samplingText(sampling: RunRecord['sampling']): string | undefined {
  if (!sampling) return undefined;
  const { samples, skippedTicks, errors, gaps } = sampling;
  if (skippedTicks === 0 && errors.length === 0 && gaps.length === 0) return undefined;
  const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const span = (g: { fromMs: number; toMs: number }) => `${(g.fromMs / 1000).toFixed(2)}–${(g.toMs / 1000).toFixed(2)} s`;
  const parts = [s(samples, 'sample'), s(skippedTicks, 'skipped tick')];
  if (errors.length) parts.push(`${s(errors.length, 'failed sample')} (first at ${(errors[0]!.tMs / 1000).toFixed(2)} s: ${errors[0]!.message})`);
  if (gaps.length) parts.push(`${s(gaps.length, 'gap')} with no sample (${gaps.slice(0, 5).map(span).join(', ')}${gaps.length > 5 ? ', …' : ''})`);
  return `sampler: ${parts.join(', ')}`;
}
