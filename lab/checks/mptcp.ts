/**
 * mptcp: the connection really was Multipath TCP on both ends. The seed's open question
 * ("must MPTCP be installed on both machines?") is answered by this verdict: a connection
 * that fell back to TCP is never reported as MPTCP, whatever else it achieved.
 */
import type { CheckResult, RunRecord } from '../model/record';
import { verdict } from './bounds';

/** Pass iff MPCapable was seen on client and server and no fallback to TCP. */
export function checkMptcp(record: RunRecord): CheckResult {
  const m = record.mptcp;
  const ok = m.clientCapable && m.serverCapable && !m.fellBack;
  let why: string;
  if (m.fellBack) why = `fell back to TCP: ${m.reason}`;
  else if (!m.clientCapable && !m.serverCapable) why = `no MPCapable handshake on either end: ${m.reason}`;
  else if (!m.clientCapable) why = `no MPCapable handshake on the client: ${m.reason}`;
  else if (!m.serverCapable) why = `no MPCapable handshake on the server: ${m.reason}`;
  else why = `MPTCP on both ends, ${m.maxSubflows} subflow${m.maxSubflows === 1 ? '' : 's'} at most: ${m.reason}`;
  return verdict(ok, {
    name: 'mptcp',
    kind: 'mptcp',
    expected: 'MPTCP on both ends, no fallback',
    measured: ok ? 'MPTCP' : m.fellBack ? 'TCP (fallback)' : 'TCP',
    bound: 1,
    value: ok ? 1 : 0,
    unit: 'mptcp',
    message: why,
  });
}
