/**
 * subflows: how many subflows the MPTCP connection under test had at most. Two paths should
 * give two; one means the join never happened (the seed's "second handshake uses an MPTCP
 * JOIN option"). Sockets on the port that are not that connection's subflows (iperf3's
 * control connection, say) must not count: a connection has at most 1 + its MP_JOINs.
 */
import type { PlanCheck } from '../model/plan';
import type { CheckResult, RunRecord } from '../model/record';
import { verdict } from './bounds';

/** The most subflows the connection had (its own ss listing, else the sampled count), capped by 1 + MP_JOINs, lies in [min, max]. */
export function checkSubflows(record: RunRecord, check: Extract<PlanCheck, { kind: 'subflows' }>): CheckResult {
  const { connection, joins, maxSubflows } = record.mptcp;
  const counts = record.subflows.v.filter(Number.isFinite);
  const fromSeries = counts.length > 0 ? Math.max(...counts) : undefined;
  // Sampling can miss a short peak, never invent one: the larger of the two is what was seen on the port.
  const onPort = Math.max(maxSubflows, fromSeries ?? 0);
  // Records made before `joins` existed have none: then the cap cannot be applied, and we say so.
  const joinsKnown = Number.isFinite(joins);
  const cap = joinsKnown ? 1 + joins : Infinity;
  const seen = connection ? connection.subflows : onPort;
  const value = Math.min(seen, cap);
  const ok = value >= check.min && (check.max === undefined || value <= check.max);
  const expected = check.max === undefined ? `≥ ${check.min}` : check.max === check.min ? `= ${check.min}` : `${check.min}–${check.max}`;
  const source = connection
    ? `${connection.subflows} listed under the connection's MPTCP socket (${connection.source})`
    : `no listing of the connection itself; ${maxSubflows} from the MPTCP verdict, ${fromSeries ?? 'no'} from the sampled series (TCP sockets on the port)`;
  const joinText = joinsKnown ? `${joins} MP_JOIN${joins === 1 ? '' : 's'} completed, so at most ${cap}` : 'MP_JOINs not recorded, no cap applied';
  const capped = value < seen ? `; ${seen - value} more socket${seen - value === 1 ? '' : 's'} seen than joins allow, not counted` : '';
  return verdict(ok, {
    name: 'subflows',
    kind: 'subflows',
    expected,
    measured: String(value),
    bound: ok || value < check.min ? check.min : check.max,
    value,
    unit: 'subflows',
    message: `at most ${value} subflow${value === 1 ? '' : 's'} at once (${source}; ${joinText}${capped})${ok ? '' : `; expected ${expected}`}`,
    details: [
      ...(connection ? [{ name: 'subflows of the connection (ss)', value: connection.subflows, unit: 'subflows' }] : []),
      { name: 'subflows seen on the port', value: onPort, unit: 'subflows' },
      ...(joinsKnown ? [{ name: 'MP_JOINs completed', value: joins, unit: 'joins' }] : []),
    ],
  });
}
