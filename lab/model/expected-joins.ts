/**
 * The MP_JOINs a plan should produce, from the plan alone: what the mptcp check holds a run to,
 * and how many subflows the traffic run waits to see in its socket snapshots.
 */
import type { Plan } from './plan';

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
