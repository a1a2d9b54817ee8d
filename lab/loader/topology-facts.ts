/**
 * Facts derived from a (possibly partial) parsed topology that both the semantic checks
 * and the resolution need: which hosts a path joins, who sends, what each direction's
 * impairment is. One definition, so a check and the Plan it guards never disagree.
 */
import type { ImpairmentParsed, TopologyParsed } from '../model/schema';
import type { Sections } from './parse-topology';

type PathParsed = TopologyParsed['paths'][string];
type HostParsed = TopologyParsed['hosts'][string];

export const IMPAIRMENT_KEYS = ['rate', 'delay', 'jitter', 'loss', 'corrupt', 'duplicate', 'reorder', 'limit'] as const;

/** Hosts attached to a path, in topology order: its `hosts` list, or every host. */
export function hostsOnPath(hosts: Record<string, HostParsed>, path: PathParsed): string[] {
  const all = Object.keys(hosts);
  return path.hosts ? all.filter((h) => path.hosts?.includes(h)) : all;
}

/** The path-level impairment fields (everything but subnet, hosts and from). */
export function pathLevelImpairment(path: PathParsed): ImpairmentParsed {
  const out: Record<string, unknown> = {};
  for (const k of IMPAIRMENT_KEYS) if (path[k] !== undefined) out[k] = path[k];
  return out as ImpairmentParsed;
}

/** Egress impairment of traffic leaving `host` on `path`: path-level fields overridden by `from.<host>`. */
export function egressOf(path: PathParsed, host: string): ImpairmentParsed {
  const merged: Record<string, unknown> = { ...pathLevelImpairment(path) };
  for (const [k, v] of Object.entries(path.from?.[host] ?? {})) if (v !== undefined) merged[k] = v;
  return merged as ImpairmentParsed;
}

export interface TrafficEnds {
  server: string;
  client: string;
  sender: string;
  receiver: string;
}

/** The hosts of each role unless the topology names them; undefined when ambiguous or unknown. */
export function trafficEnds(s: Sections): TrafficEnds | undefined {
  if (!s.hosts || !s.traffic) return undefined;
  const hosts = s.hosts;
  const pick = (role: 'server' | 'client', named: string | undefined): string | undefined => {
    if (named !== undefined) return hosts[named]?.role === role ? named : undefined;
    const ofRole = Object.keys(hosts).filter((h) => hosts[h]?.role === role);
    return ofRole.length === 1 ? ofRole[0] : undefined;
  };
  const server = pick('server', s.traffic.server);
  const client = pick('client', s.traffic.client);
  if (!server || !client) return undefined;
  const download = s.traffic.direction === 'download';
  return { server, client, sender: download ? server : client, receiver: download ? client : server };
}

/** Paths that join both ends of the traffic, in topology order. */
export function sharedPaths(s: Sections, a: string, b: string): string[] {
  if (!s.hosts || !s.paths) return [];
  const hosts = s.hosts;
  return Object.entries(s.paths)
    .filter(([, p]) => {
      const on = hostsOnPath(hosts, p);
      return on.includes(a) && on.includes(b);
    })
    .map(([name]) => name);
}

/** The data-direction paths that have no rate limit (empty when every one is shaped). */
export function unshapedDataPaths(s: Sections, ends: TrafficEnds, only?: readonly string[]): string[] {
  return sharedPaths(s, ends.sender, ends.receiver).filter((name) => {
    const path = s.paths?.[name];
    return (!only || only.includes(name)) && path !== undefined && egressOf(path, ends.sender).rate === undefined;
  });
}

/** The paths no event cuts: what failover's percentage is a percentage of. */
export function survivingPaths(all: readonly string[], cut: readonly string[]): string[] {
  const left = all.filter((p) => !cut.includes(p));
  return left.length > 0 ? left : [...all];
}

/** The paths that can carry the traffic's data (joining sender and receiver), or undefined when the ends are unknown. */
export function dataPathNames(s: Sections): string[] | undefined {
  const ends = trafficEnds(s);
  return ends && s.paths && s.hosts ? sharedPaths(s, ends.sender, ends.receiver) : undefined;
}

/**
 * The data paths that are backup paths: an endpoint of the sender or the receiver on that
 * path has the `backup` flag, so MPTCP keeps it idle while another path is up.
 */
export function backupDataPaths(s: Sections, ends: TrafficEnds): string[] {
  return sharedPaths(s, ends.sender, ends.receiver).filter((path) =>
    [ends.sender, ends.receiver].some((h) => s.hosts?.[h]?.mptcp?.endpoints?.some((e) => e.path === path && e.flags.includes('backup'))),
  );
}
