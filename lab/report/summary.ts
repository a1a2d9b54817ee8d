/** Counts of check statuses and the exit code they imply (lab/model/errors.ts: 1 = a check failed). */
import type { CheckResult } from '../model/record';

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
