/**
 * Runs the plan's checks over a RunRecord. Pure: the same record gives the same results,
 * so reports can be re-made from a saved result.json.
 */
import type { PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { checkAggregate } from './aggregate';
import { checkBackupIdle } from './backup-idle';
import { checkFailover } from './failover';
import { checkIntegrity } from './integrity';
import { checkKernelLog } from './kernel-log';
import { checkChecksumErrors, checkFallback, checkSubflowReset } from './middlebox';
import { checkMptcp } from './mptcp';
import { checkRecovery } from './recovery';
import { skippedCheck } from './skipped';
import { checkStall } from './stall';
import { checkSubflows } from './subflows';

/** One check (or one per cut/restore) of the plan, evaluated. */
function evaluateCheck(record: RunRecord, check: PlanCheck): CheckResult[] {
  switch (check.kind) {
    case 'mptcp': return [checkMptcp(record)];
    case 'integrity': return [checkIntegrity(record)];
    case 'aggregate': return [checkAggregate(record, check)];
    case 'failover': return checkFailover(record, check);
    case 'recovery': return checkRecovery(record, check);
    case 'stall': return [checkStall(record, check)];
    case 'subflows': return [checkSubflows(record, check)];
    case 'backupIdle': return [checkBackupIdle(record, check)];
    case 'kernelLog': return [checkKernelLog(record, check)];
    case 'fallback': return [checkFallback(record, check)];
    case 'checksumErrors': return [checkChecksumErrors(record, check)];
    case 'subflowReset': return [checkSubflowReset(record, check)];
  }
}

/** Every check of `record.plan.checks`, in plan order; a check marked `skip` is `skipped` with its reason; one that throws becomes an `error` result. */
export function evaluateChecks(record: RunRecord): CheckResult[] {
  return record.plan.checks.flatMap((check) => {
    // An empty reason still skips: the plan asked for it, and the report says no reason was given.
    if (check.skip !== undefined) return [skippedCheck(check, check.skip.trim() || 'skipped by the plan (no reason given)')];
    try {
      return evaluateCheck(record, check);
    } catch (e) {
      // A bug in one check must not hide the others' verdicts, nor pass.
      return [{
        name: check.kind,
        kind: check.kind,
        status: 'error' as const,
        expected: '',
        measured: 'not measured',
        message: `the check crashed: ${(e as Error).message}`,
      }];
    }
  });
}
