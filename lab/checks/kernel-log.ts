/**
 * kernelLog: MPTCP error lines in the kernel log during the run, such as the seed's
 * `mptcp_verif_dss_csum csum is wrong`, which killed downloads.
 */
import type { PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { verdict } from './bounds';
import { atSeconds } from './windows';

/** The number of kernel-log error lines ≤ maxErrors; quotes the first one. */
export function checkKernelLog(record: RunRecord, check: Extract<PlanCheck, { kind: 'kernelLog' }>): CheckResult {
  const errors = record.kernelLog.filter((l) => l.error);
  const ok = errors.length <= check.maxErrors;
  const first = errors[0];
  // A line logged without a timestamp (printk.time=0) has no place on the clock (NaN, or null from result.json) but counts all the same.
  const when = (tMs: number) => (Number.isFinite(tMs) ? `at ${atSeconds(tMs)}` : 'at an unknown time (no timestamp)');
  const quote = first ? `; first ${when(first.tMs)}: "${clip(first.line)}"` : '';
  return verdict(ok, {
    name: 'kernelLog',
    kind: 'kernelLog',
    expected: `≤ ${check.maxErrors} error line${check.maxErrors === 1 ? '' : 's'}`,
    measured: `${errors.length} error line${errors.length === 1 ? '' : 's'}`,
    bound: check.maxErrors,
    value: errors.length,
    unit: 'lines',
    message: errors.length === 0
      ? `no MPTCP error in the kernel log (${record.kernelLog.length} line${record.kernelLog.length === 1 ? '' : 's'} recorded)`
      : `${errors.length} MPTCP error line${errors.length === 1 ? '' : 's'} in the kernel log${quote}`,
  });
}

function clip(line: string): string {
  const one = line.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 159)}…` : one;
}
