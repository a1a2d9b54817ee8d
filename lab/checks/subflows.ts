/**
 * subflows: how many subflows the connection had at most. Two paths should give two; one
 * means the join never happened (the seed's "second handshake uses an MPTCP JOIN option").
 */
import type { PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { verdict } from './bounds';

/** The most subflows seen at once (verdict and sampled series) lies in [min, max]. */
export function checkSubflows(record: RunRecord, check: Extract<PlanCheck, { kind: 'subflows' }>): CheckResult {
  const fromVerdict = record.mptcp.maxSubflows;
  const fromSeries = record.subflows.v.length > 0 ? Math.max(...record.subflows.v) : undefined;
  // Sampling can miss a short peak, never invent one: the larger of the two is what was seen.
  const value = Math.max(fromVerdict, fromSeries ?? 0);
  const ok = value >= check.min && (check.max === undefined || value <= check.max);
  const expected = check.max === undefined ? `≥ ${check.min}` : check.max === check.min ? `= ${check.min}` : `${check.min}–${check.max}`;
  const seen = `${fromVerdict} from the MPTCP verdict, ${fromSeries ?? 'no'} from the sampled series`;
  return verdict(ok, {
    name: 'subflows',
    kind: 'subflows',
    expected,
    measured: String(value),
    bound: ok || value < check.min ? check.min : check.max,
    value,
    unit: 'subflows',
    message: `at most ${value} subflow${value === 1 ? '' : 's'} at once (${seen})${ok ? '' : `; expected ${expected}`}`,
  });
}
