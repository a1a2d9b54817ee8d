/**
 * A check the plan declares but marks `skip` (this variant cannot run it): reported as
 * `skipped` with its reason and the bound it would have applied, never dropped.
 */
import type { PlanCheck, RateBound } from '../model/plan';
import type { CheckResult } from '../model/record';
import { formatDuration, formatRate, formatSize } from '../model/units';

function rate(b: RateBound, of: string): string {
  return 'percent' in b ? `${b.percent}% of ${of}` : formatRate(b.rateBps);
}

/** The bound a check applies, in words, without a record to resolve percentages against. */
export function describeExpected(check: PlanCheck): string {
  switch (check.kind) {
    case 'mptcp': return 'MPTCP on both ends, no fallback, with joins';
    case 'integrity': return 'completed, SHA-256 equal';
    case 'aggregate': return `≥ ${rate(check.min, 'the data paths\' capacity')}${check.perPath ? `, each path ≥ ${rate(check.perPath, 'its rate')}` : ''}`;
    case 'failover': return `failover ≤ ${formatDuration(check.withinMs)}, then ≥ ${rate(check.min, 'the surviving paths\' capacity')}`;
    case 'recovery': return `≥ ${rate(check.min, 'the path\'s rate')} back ≤ ${formatDuration(check.withinMs)}, held ${formatDuration(check.holdMs)}`;
    case 'stall': return `< ${rate(check.below, 'the data paths\' capacity')} for ≤ ${formatDuration(check.longerThanMs)}`;
    case 'subflows': return check.max === undefined ? `≥ ${check.min}` : check.max === check.min ? `= ${check.min}` : `${check.min}–${check.max}`;
    case 'backupIdle': return `≤ ${formatSize(check.maxBytes)} while the other paths are up`;
    case 'kernelLog': return `≤ ${check.maxErrors} error line${check.maxErrors === 1 ? '' : 's'}`;
    case 'fallback': return check.expect ? 'fallback to TCP: a fallback counter ≥ 1' : 'no fallback: every fallback counter 0';
    case 'checksumErrors': return `DataCsumErr ${countText(check)}`;
    case 'subflowReset': return `MP_RSTs ${countText(check)}`;
  }
}

function countText(c: { min?: number; max?: number }): string {
  if (c.min !== undefined && c.max !== undefined) return c.min === c.max ? `= ${c.min}` : `${c.min}–${c.max}`;
  return c.min !== undefined ? `≥ ${c.min}` : `≤ ${c.max ?? 0}`;
}

/** The result of a check skipped for `reason`. */
export function skippedCheck(check: PlanCheck, reason: string): CheckResult {
  return {
    name: check.kind === 'backupIdle' ? `backupIdle:${check.path}` : check.kind,
    kind: check.kind,
    status: 'skipped',
    expected: describeExpected(check),
    measured: 'not run',
    message: reason,
  };
}
