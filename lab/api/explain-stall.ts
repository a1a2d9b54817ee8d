/**
 * A stall explained: when the stall check measured a gap, the subflow that held
 * unacknowledged data when it began, when MPTCP reinjected (the MPTCPRetrans step) and the
 * RTO/backoff then, from the record's per-subflow and counter series. This is how a user tells
 * "the kernel waited for an RTO" from "the lab misread". It adds words, never changes a status.
 */
import { outages } from '../checks/outages';
import { STALL_FROM } from '../checks/stall';
import type { CheckResult, RunRecord } from '../model/record';
import { attributeStall } from '../observe/stall-attribution';

/**
 * The checks with the stall check's message saying what was behind its longest gap (when it
 * measured one), and a failed failover's what was behind the time from its cut to the restore
 * (or the end): a cut MPTCP never failed over from reads as the kernel leaving the cut subflow
 * un-stale, not as a lab that lost its samples.
 */
export function explainStall(record: RunRecord, checks: CheckResult[]): CheckResult[] {
  return checks.map((c) => {
    if (c.kind === 'failover' && c.status === 'fail') {
      // The check's own outage (from the cut's read-back to the restore or the end), within the traffic.
      const path = c.name.slice(c.name.indexOf(':') + 1);
      const outage = outages(record).find((o) => o.path === path);
      if (!outage) return c;
      const gap = { fromMs: outage.fromMs, toMs: Math.min(outage.toMs, record.traffic.endedMs) };
      return { ...c, message: `${c.message}; behind it: ${attributeStall(record, gap).text}` };
    }
    const from = c.kind === 'stall' ? c.details?.find((d) => d.name === STALL_FROM)?.value : undefined;
    if (from === undefined || !(c.value !== undefined && c.value > 0)) return c;
    const why = attributeStall(record, { fromMs: from, toMs: from + c.value });
    return { ...c, message: `${c.message}; behind it: ${why.text}` };
  });
}
