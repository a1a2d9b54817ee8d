/**
 * mptcp: the connection really was Multipath TCP on both ends, with joins. The seed's open
 * question ("must MPTCP be installed on both machines?") is answered by this verdict: a
 * connection that fell back to TCP is never reported as MPTCP, whatever else it achieved,
 * and when the plan gives it more than one path to join, one subflow alone is not a pass.
 */
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { expectedJoins } from '../model/expected-joins';
import { verdict } from './bounds';

/** Pass iff MPCapable was seen on both ends, no fallback (counters or the connection's own socket), and the joins the plan allows happened. */
export function checkMptcp(record: RunRecord): CheckResult {
  const m = record.mptcp;
  const conn = m.connection;
  const want = expectedJoins(record.plan);
  const joins = Number.isFinite(m.joins) ? m.joins : 0;
  const joinsOk = joins >= want.joins;
  const connOk = !conn || (conn.mptcp && !conn.fallback);
  const capable = m.clientCapable && m.serverCapable && !m.fellBack;
  const ok = capable && connOk && joinsOk;
  const joinText = `${joins} MP_JOIN${joins === 1 ? '' : 's'} (expected ≥ ${want.joins}: ${want.why})`;
  let why: string;
  if (m.fellBack) why = `fell back to TCP: ${m.reason}`;
  else if (!m.clientCapable && !m.serverCapable) why = `no MPCapable handshake on either end: ${m.reason}`;
  else if (!m.clientCapable) why = `no MPCapable handshake on the client: ${m.reason}`;
  else if (!m.serverCapable) why = `no MPCapable handshake on the server: ${m.reason}`;
  else if (conn && !conn.mptcp) why = `the connection under test was not an MPTCP socket (${conn.source}): ${m.reason}`;
  else if (conn?.fallback) why = `the connection under test fell back to TCP (ss flags it, ${conn.source}): ${m.reason}`;
  else if (!joinsOk) why = `MPTCP on both ends but ${joinText}: one subflow is not multipath; ${m.reason}`;
  else why = `MPTCP on both ends, ${joinText}, ${m.maxSubflows} subflow${m.maxSubflows === 1 ? '' : 's'} at most: ${m.reason}`;
  const details: CheckDetail[] = [
    { name: 'MP_JOINs completed', value: joins, unit: 'joins', bound: want.joins },
    { name: 'MPCapable on the client', value: m.clientCapable ? 1 : 0, unit: 'bool', bound: 1 },
    { name: 'MPCapable on the server', value: m.serverCapable ? 1 : 0, unit: 'bool', bound: 1 },
    { name: 'fallback seen', value: m.fellBack ? 1 : 0, unit: 'bool', bound: 0 },
    ...(conn ? [
      { name: 'connection is an MPTCP socket', value: conn.mptcp ? 1 : 0, unit: 'bool', bound: 1 },
      { name: 'connection flagged fallback', value: conn.fallback ? 1 : 0, unit: 'bool', bound: 0 },
    ] : []),
  ];
  return verdict(ok, {
    name: 'mptcp',
    kind: 'mptcp',
    expected: `MPTCP on both ends, no fallback, ≥ ${want.joins} MP_JOIN${want.joins === 1 ? '' : 's'}`,
    measured: !capable || !connOk ? (m.fellBack || conn?.fallback ? 'TCP (fallback)' : 'TCP') : `MPTCP, ${joins} MP_JOIN${joins === 1 ? '' : 's'}`,
    bound: want.joins,
    value: joins,
    unit: 'joins',
    message: why,
    details,
  });
}
