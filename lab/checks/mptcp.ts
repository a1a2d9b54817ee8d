/**
 * mptcp: the connection really was Multipath TCP on both ends, with joins. The seed's open
 * question ("must MPTCP be installed on both machines?") is answered by this verdict: a
 * connection that fell back to TCP is never reported as MPTCP, whatever else it achieved,
 * and when the plan gives it more than one path to join, one subflow alone is not a pass.
 */
import type { Plan } from '../model/plan';
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { verdict } from './bounds';

/** MP_JOINs the plan should produce: min(shared paths − 1, the hosts' subflow limits), and why. */
export function expectedJoins(plan: Plan): { joins: number; why: string } {
  const { server, client } = plan.traffic;
  const s = plan.hosts.find((h) => h.name === server)?.mptcp;
  const c = plan.hosts.find((h) => h.name === client)?.mptcp;
  if (!s?.enabled || !c?.enabled) return { joins: 0, why: 'MPTCP is not enabled on both hosts' };
  if (s.pathManager === 'userspace' || c.pathManager === 'userspace') return { joins: 0, why: 'a userspace path manager opens no subflow by itself' };
  const shared = plan.paths.filter((p) => p.hosts.includes(server) && p.hosts.includes(client));
  const blocked = joinsBlockedFromStart(plan);
  const extra = new Set(shared.slice(1).map((p) => p.name).filter((p) => !blocked.has(p)));
  // Addresses the server signals only count if the client accepts announcements.
  const serverEndpoints = c.limits.addAddrAccepted > 0 ? s.endpoints.filter((e) => e.flags.includes('signal') || e.flags.includes('fullmesh')) : [];
  const joinable = new Set([...serverEndpoints, ...c.endpoints].map((e) => e.path).filter((p) => extra.has(p)));
  if (shared.length < 2 || joinable.size === 0) {
    const none = blocked.size > 0 ? `joins on ${[...blocked].join(', ')} blocked by the timeline's fault from the start` : `no endpoint on ${client} or ${server} opens another path`;
    return { joins: 0, why: shared.length < 2 ? `${client} and ${server} share ${shared.length} path` : none };
  }
  const limit = Math.min(s.limits.subflows, c.limits.subflows);
  const joins = Math.min(shared.length - 1 - [...blocked].filter((p) => shared.some((x) => x.name === p) && p !== shared[0]?.name).length, limit);
  const blockedText = blocked.size > 0 ? `; joins on ${[...blocked].join(', ')} blocked by the timeline's fault from the start` : '';
  return { joins, why: `${shared.length} shared paths, endpoints on ${[...joinable].join(', ')}, subflow limit ${limit}${blockedText}` };
}

/**
 * Paths whose MP_JOIN handshake a fault in place from t = 0 to the end of the run stops
 * (drop-syn-mptcp, strip-options, reset, either direction): no join is expected there.
 */
export function joinsBlockedFromStart(plan: Pick<Plan, 'timeline'>): Set<string> {
  const blocked = new Set<string>();
  for (const ev of plan.timeline) {
    if (ev.kind === 'fault' && ev.atMs === 0 && ev.fault.mode !== 'rewrite') blocked.add(ev.path);
    if (ev.kind === 'unfault') blocked.delete(ev.path);
  }
  return blocked;
}

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
