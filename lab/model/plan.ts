/**
 * The resolved Plan: every default filled, every unit parsed, frozen. Nothing in it has
 * touched Docker. lab/loader builds it from a topology file; everything downstream reads it.
 */

/** One direction of a path: what the sending host's egress qdiscs enforce. */
export interface Impairment {
  /** bits per second (tbf). */
  rateBps?: number;
  delayMs?: number;
  jitterMs?: number;
  /** percent, 0..100 */
  lossPct?: number;
  corruptPct?: number;
  duplicatePct?: number;
  reorderPct?: number;
  /** queue limit in packets */
  limitPackets?: number;
}

export type EndpointFlag = 'signal' | 'subflow' | 'backup' | 'fullmesh';

export interface PlanEndpoint {
  /** The path whose address (on this host) the endpoint uses. */
  path: string;
  flags: EndpointFlag[];
  /** Endpoint id, 1-based, unique per host. */
  id: number;
}

export interface PlanMptcp {
  enabled: boolean;
  pathManager: 'kernel' | 'userspace';
  scheduler: string;
  checksum: boolean;
  limits: { subflows: number; addAddrAccepted: number };
  endpoints: PlanEndpoint[];
  /** Extra net.mptcp.* sysctls (name without the `net.mptcp.` prefix). */
  sysctls: Record<string, string>;
}

export interface PlanHost {
  name: string;
  role: 'server' | 'client';
  /** Position in the topology, 0-based; the host's address on every path is subnet host number index + 2 (.1 is Docker's gateway). */
  index: number;
  mptcp: PlanMptcp;
}

export interface PlanPath {
  name: string;
  /** Position in the topology, 0-based. The first path carries the initial subflow. */
  index: number;
  /** Given in the topology, or `auto`: the runtime allocates a free one from its pool. */
  subnet: string | 'auto';
  /** Hosts attached, in topology order. */
  hosts: string[];
  /** Impairment of traffic leaving each host on this path, keyed by host name. */
  egress: Record<string, Impairment>;
}

export interface PlanTraffic {
  tool: 'http' | 'iperf3' | 'transfer';
  direction: 'download' | 'upload';
  protocol: 'mptcp' | 'tcp';
  sizeBytes?: number;
  durationMs?: number;
  resume: boolean;
  /** The listening host. */
  server: string;
  /** The connecting host. */
  client: string;
  /** Where the data comes from and goes to (derived from direction). */
  sender: string;
  receiver: string;
  port: number;
}

export type PlanEvent =
  | { atMs: number; kind: 'cut'; path: string; mode: 'down' | 'blackhole' }
  | { atMs: number; kind: 'restore'; path: string }
  | { atMs: number; kind: 'impair'; path: string; from?: string; set: Impairment };

/** A bound: a percentage of the relevant shaped capacity, or an absolute rate. */
export type RateBound = { percent: number } | { rateBps: number };

export type PlanCheck =
  | { kind: 'mptcp' }
  | { kind: 'integrity' }
  | { kind: 'aggregate'; min: RateBound }
  | { kind: 'failover'; min: RateBound; withinMs: number }
  | { kind: 'recovery'; withinMs: number; min: RateBound }
  | { kind: 'stall'; below: RateBound; longerThanMs: number }
  | { kind: 'subflows'; min: number; max?: number }
  | { kind: 'backupIdle'; path: string; maxBytes: number }
  | { kind: 'kernelLog'; maxErrors: number };

export interface Plan {
  name: string;
  description: string;
  /** The file the plan came from (absolute), or `<inline>`. */
  source: string;
  hosts: readonly PlanHost[];
  paths: readonly PlanPath[];
  traffic: PlanTraffic;
  /** Sorted by time. */
  timeline: readonly PlanEvent[];
  checks: readonly PlanCheck[];
  /** What the plan needs from the host; the doctor probe is asked before bring-up. */
  needs: { netem: boolean; tbf: boolean; netemFeatures: string[] };
  /** Notes the loader made while resolving (dropped events, defaulted checks...). */
  notes: readonly string[];
}

/** Deep-freezes a plain object graph (plans are immutable once resolved). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** Host number k (0-based index) → its IPv4 address in `subnet` (network + index + 2). */
export function hostAddress(subnet: string, index: number): string {
  const [base] = subnet.split('/');
  const octets = (base ?? '').split('.').map(Number);
  const n = (((octets[0] ?? 0) << 24) >>> 0) + ((octets[1] ?? 0) << 16) + ((octets[2] ?? 0) << 8) + (octets[3] ?? 0) + index + 2;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The paths joining the traffic's sender and receiver (the ones that can carry its data), in plan order. */
export function dataPaths(plan: Pick<Plan, 'paths' | 'traffic'>): PlanPath[] {
  const { sender, receiver } = plan.traffic;
  return plan.paths.filter((p) => p.hosts.includes(sender) && p.hosts.includes(receiver));
}

/** Sum of the shaped rates of the given paths in the direction sender → receiver; undefined if any is unshaped. */
export function capacityBps(plan: Plan, pathNames: readonly string[], sender: string): number | undefined {
  let sum = 0;
  for (const name of pathNames) {
    const rate = plan.paths.find((p) => p.name === name)?.egress[sender]?.rateBps;
    if (rate === undefined) return undefined;
    sum += rate;
  }
  return sum;
}
