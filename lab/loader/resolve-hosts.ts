/**
 * Resolution of hosts and their MPTCP settings. The defaults follow how MPTCP adds paths:
 * the listening side (server) announces its other addresses with `signal` endpoints and the
 * connecting side (client) opens a subflow to each; a `signal` endpoint on the connecting
 * side adds no path (measured: see ../shared/ENVIRONMENT.md).
 */
import { DEFAULT_TCP, type EndpointFlag, type PlanEndpoint, type PlanHost, type PlanMptcp, type PlanTcp } from '../model/plan';
import type { TopologyParsed } from '../model/schema';
import { hostsOnPath } from './topology-facts';

type HostParsed = TopologyParsed['hosts'][string];

/** The kernel caps both limits at 8 (MPTCP_PM_ADDR_MAX); the schema does too. */
const LIMIT_MAX = 8;

/** Hosts in YAML order with index, role and fully-defaulted MPTCP settings. */
export function resolveHosts(t: TopologyParsed, notes: string[]): PlanHost[] {
  const names = Object.keys(t.hosts);
  const endpoints = new Map(names.map((n) => [n, endpointsFor(t, n)] as const));
  return names.map((name, index) => {
    const host = t.hosts[name] as HostParsed;
    const own = endpoints.get(name) ?? [];
    if (host.role === 'client' && own.some((e) => e.flags.includes('signal'))) {
      notes.push(`host ${name} is a client: its signal endpoints add no path (the connecting side opens subflows; only the listening side's announcements are used)`);
    }
    const peersSignals = Math.max(0, ...names.filter((n) => n !== name).map((n) => (endpoints.get(n) ?? []).filter((e) => e.flags.includes('signal')).length));
    return { name, role: host.role, index, mptcp: resolveMptcp(t, host, own, peersSignals), tcp: resolveTcp(host) };
  });
}

/** The host's TCP settings: what it names, else DEFAULT_TCP's congestion control (stated in every plan, so every result.json records it). */
function resolveTcp(host: HostParsed): PlanTcp {
  const t = host.tcp;
  return {
    congestionControl: t?.congestionControl ?? DEFAULT_TCP.congestionControl,
    ...(t?.rmem ? { rmem: t.rmem } : {}),
    ...(t?.wmem ? { wmem: t.wmem } : {}),
  };
}

function resolveMptcp(t: TopologyParsed, host: HostParsed, endpoints: PlanEndpoint[], peersSignals: number): PlanMptcp {
  const m = host.mptcp;
  const pathCount = Object.keys(t.paths).length;
  const base = Math.min(LIMIT_MAX, Math.max(0, pathCount - 1));
  // Defaults never starve the endpoints: each subflow endpoint and each accepted announcement
  // opens a subflow, and each announcement must be accepted.
  const ownSubflows = endpoints.filter((e) => e.flags.includes('subflow') || e.flags.includes('fullmesh')).length;
  const sysctls: Record<string, string> = {};
  for (const [k, v] of Object.entries(m?.sysctls ?? {})) sysctls[k] = String(v);
  return {
    enabled: m?.enabled ?? true,
    pathManager: m?.pathManager ?? 'kernel',
    scheduler: m?.scheduler ?? 'default',
    checksum: m?.checksum ?? false,
    limits: {
      subflows: m?.limits?.subflows ?? Math.min(LIMIT_MAX, Math.max(base, ownSubflows + peersSignals)),
      addAddrAccepted: m?.limits?.addAddrAccepted ?? Math.min(LIMIT_MAX, Math.max(base, peersSignals)),
    },
    endpoints,
    sysctls,
  };
}

/** Declared endpoints numbered 1..n, or the default: a server signals every path it is on but the first. */
function endpointsFor(t: TopologyParsed, name: string): PlanEndpoint[] {
  const host = t.hosts[name] as HostParsed;
  if (host.mptcp?.enabled === false) return [];
  const declared = host.mptcp?.endpoints;
  if (declared) return declared.map((e, i) => ({ path: e.path, flags: [...e.flags] as EndpointFlag[], id: i + 1 }));
  if (host.role !== 'server') return [];
  return Object.entries(t.paths)
    .slice(1)
    .filter(([, p]) => hostsOnPath(t.hosts, p).includes(name))
    .map(([path], i) => ({ path, flags: ['signal'], id: i + 1 }));
}
