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

/** The host's TCP stack settings (net.ipv4.*, per network namespace), applied at bring-up and recorded in result.json. */
export interface PlanTcp {
  /** net.ipv4.tcp_congestion_control; refused (exit 3) when the kernel does not offer it. */
  congestionControl: string;
  /** net.ipv4.tcp_rmem and tcp_wmem as min/default/max bytes; absent keeps the namespace's own. */
  rmem?: readonly [number, number, number];
  wmem?: readonly [number, number, number];
}

/**
 * What every lab host runs when its plan names no TCP settings: cubic, with the namespace's own
 * buffers. Not the host's default: a new network namespace inherits the host's algorithm (bbr
 * on this project's machine), so a lab's figures would depend on the machine it ran on. Cubic
 * is what the kernel selftests and most distributions run, and on unequal paths it is what
 * lands the lab inside simult_flows.sh's bound. 10+3 Mbit/s, 16 MiB download, tbf, receiver's
 * time, 2026-12-01 (issue 13; /tmp scripts on startLab + runTrafficPass, load average 6.7-13):
 * bbr 16100 / 13562 / 11961 ms, cubic 11602 / 11615 / 11532 ms, against the bound of 11921 ms;
 * bbr puts 4.0-5.4 MB of the 16.8 MB on the 3 Mbit/s path (the rates' share is 3.9 MB), cubic
 * 4.1-4.2 MB. A smaller tbf queue did not help bbr (14370 / 17031 / 15855 ms).
 * A namespace may only take an algorithm in net.ipv4.tcp_allowed_congestion_control: the
 * runtime refuses (exit 3) one that is not, naming the sysctl that allows it.
 */
export const DEFAULT_TCP: PlanTcp = Object.freeze({ congestionControl: 'cubic' });

export interface PlanHost {
  name: string;
  role: 'server' | 'client';
  /** Absent in plans made before it existed: the runtime then applies DEFAULT_TCP. */
  tcp?: PlanTcp;
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

/** A middlebox fault on a path (lab/tc/faults.ts): what it does, to which direction. */
export type FaultMode = 'rewrite' | 'strip-options' | 'drop-syn-mptcp' | 'reset';
export interface PlanFault {
  mode: FaultMode;
  /** Only traffic leaving this host on the path; absent: both directions. */
  from?: string;
  /** rewrite: one data segment in this many (1: every one). */
  every?: number;
}

export type PlanEvent =
  | { atMs: number; kind: 'cut'; path: string; mode: 'down' | 'blackhole' }
  | { atMs: number; kind: 'restore'; path: string }
  | { atMs: number; kind: 'impair'; path: string; from?: string; set: Impairment }
  | { atMs: number; kind: 'fault'; path: string; fault: PlanFault }
  | { atMs: number; kind: 'unfault'; path: string };

/** A bound: a percentage of the relevant shaped capacity, or an absolute rate. */
export type RateBound = { percent: number } | { rateBps: number };

export type PlanCheck = (
  | { kind: 'mptcp' }
  | { kind: 'integrity' }
  /**
   * `perPath`: each data path's own link throughput in the same window must reach this bound
   * (a percentage of that path's own rate, or an absolute rate), so an idle slow path cannot
   * hide inside an aggregate that the fast path alone reaches.
   */
  | { kind: 'aggregate'; min: RateBound; perPath?: RateBound }
  | { kind: 'failover'; min: RateBound; withinMs: number }
  /** `holdMs`: once back ≥ min, the restored path must stay ≥ min for this long (a single sample is not a recovery). */
  | { kind: 'recovery'; withinMs: number; min: RateBound; holdMs: number }
  | { kind: 'stall'; below: RateBound; longerThanMs: number }
  | { kind: 'subflows'; min: number; max?: number }
  | { kind: 'backupIdle'; path: string; maxBytes: number }
  | { kind: 'kernelLog'; maxErrors: number }
  /** MPTCP fallback counters on both hosts: `expect` ≥ 1, or forbidden (all 0). */
  | { kind: 'fallback'; expect: boolean }
  /** MPTcpExt.DataCsumErr summed over both hosts within min..max. */
  | { kind: 'checksumErrors'; min?: number; max?: number }
  /** MP_RSTs (the larger of ΣMPRstTx and ΣMPRstRx) within min..max. */
  | { kind: 'subflowReset'; min?: number; max?: number }
) & {
  /**
   * Set when the topology declares this check but this variant of the plan cannot run it
   * (a `--size` that ends the traffic before a cut, say): the check is reported `skipped`
   * with this reason, never silently dropped.
   */
  skip?: string;
};

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
  needs: {
    netem: boolean;
    tbf: boolean;
    netemFeatures: string[];
    /** Middlebox fault modes the timeline uses (nftables in the hosts); absent in plans made before faults existed. */
    faults?: FaultMode[];
  };
  /** Notes the loader made while resolving (dropped events, defaulted checks...). */
  notes: readonly string[];
}

/** Goodput in the first half second is TCP slow start, not the paths' capacity: rate checks skip it, and the loader refuses a cut inside it. */
export const WARMUP_MS = 500;

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
