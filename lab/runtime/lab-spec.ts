/**
 * The shape of a lab, written once: computed from a Plan and the subnets allocated for it,
 * pure, and rendered by every runtime and exporter (the Docker runtime's networks and
 * testcontainers hosts, export-compose's services, the bench's plain script, the netns
 * runtime's namespaces). Changing what a lab host is (a sysctl, its RAM disk, a label)
 * changes it here and nowhere else.
 */
import { randomBytes } from 'node:crypto';
import { hostAddress, type Plan, type PlanHost } from '../model/plan';
import { AGENT_PATH, hostSysctls } from './host-config';
import { LABELS } from './types';

export { AGENT_PATH } from './host-config';
/** The lab host's RAM disk: served files and downloads live here (the seed's tmpfs). */
export const RAM_DISK = '/srv/lab';
/** Lab hosts get this one capability: ip, tc and nft in their own namespace. */
export const HOST_CAPABILITIES: readonly string[] = ['NET_ADMIN'];

export interface NetworkSpec {
  path: string;
  /** Docker network (or bridge) name: `mlab-<runId>-<path>`. */
  name: string;
  subnet: string;
  /** .1: Docker's gateway on the bridge; lab hosts have no route through it. */
  gateway: string;
  /** Internal: no route out of the machine, ever. */
  internal: true;
  labels: Record<string, string>;
}

export interface HostSpec {
  host: string;
  role: PlanHost['role'];
  /** Container (or namespace) name: `mlab-<runId>-<host>`. */
  name: string;
  hostname: string;
  labels: Record<string, string>;
  /** Namespaced sysctls set at create time (/proc/sys is read-only inside a container). */
  sysctls: Record<string, string>;
  capabilities: readonly string[];
  /** RAM disk mount point and size. */
  tmpfs: { path: string; bytes: number };
  /** The path whose network the host is created on (connected before start); the rest are connected after start. */
  firstPath: string;
  /** The host's address on each of its paths, in plan order. */
  addresses: Array<{ path: string; network: string; address: string }>;
}

export interface LabSpec {
  runId: string;
  topology: string;
  image: string;
  agentPath: string;
  networks: NetworkSpec[];
  hosts: HostSpec[];
}

export interface LabSpecInput {
  runId: string;
  image: string;
  /** Allocated subnet per path name. */
  subnets: Readonly<Record<string, string>>;
  tmpfsBytes: number;
  /** Extra labels on every object (a testcontainers session id, say). */
  extraLabels?: Readonly<Record<string, string>>;
}

/** Where this process's run-id sequence starts: random, so two processes rarely meet in one millisecond. */
let runIdSeq = randomBytes(3).readUIntBE(0, 3);

/**
 * A short unique run id: time base36 + 6 hex digits, safe in Docker and interface names. The
 * hex is a per-process sequence from a random start, so ids made in one process never repeat
 * (two labs of a sweep started in the same millisecond once could: 2 random bytes gave 50 ids a
 * 2 % chance of a collision), and two processes share one only by a 1 in 16.7 million chance.
 */
export function newRunId(): string {
  runIdSeq = (runIdSeq + 1) % 0x1000000;
  return `${Date.now().toString(36)}${runIdSeq.toString(16).padStart(6, '0')}`;
}

/** The labels every lab object carries; `lab clean` finds leftovers by them alone. */
export function labLabels(plan: Pick<Plan, 'name'>, runId: string, role: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    [LABELS.project]: 'mptcp-lab',
    [LABELS.runId]: runId,
    [LABELS.topology]: plan.name,
    [LABELS.role]: role,
    [LABELS.owner]: String(process.pid),
    ...extra,
  };
}

/** The Docker object name of a lab's path or host. */
export function objectName(runId: string, name: string): string {
  return `mlab-${runId}-${name}`;
}

/** The lab's shape from its Plan and subnets: every network and host with everything a runtime creates. */
export function buildLabSpec(plan: Plan, input: LabSpecInput): LabSpec {
  const { runId } = input;
  const subnetOf = (path: string) => {
    const s = input.subnets[path];
    if (!s) throw new Error(`buildLabSpec: no subnet allocated for path ${path}`);
    return s;
  };
  const networks: NetworkSpec[] = plan.paths.map((p) => ({
    path: p.name,
    name: objectName(runId, p.name),
    subnet: subnetOf(p.name),
    gateway: hostAddress(subnetOf(p.name), -1),
    internal: true,
    labels: labLabels(plan, runId, `path:${p.name}`, input.extraLabels),
  }));
  const hosts: HostSpec[] = plan.hosts.map((h) => {
    const onPaths = plan.paths.filter((p) => p.hosts.includes(h.name));
    const first = onPaths[0];
    if (!first) throw new Error(`buildLabSpec: host ${h.name} is on no path`);
    return {
      host: h.name,
      role: h.role,
      name: objectName(runId, h.name),
      hostname: h.name,
      labels: labLabels(plan, runId, `host:${h.name}`, input.extraLabels),
      sysctls: hostSysctls(h),
      capabilities: HOST_CAPABILITIES,
      tmpfs: { path: RAM_DISK, bytes: input.tmpfsBytes },
      firstPath: first.name,
      addresses: onPaths.map((p) => ({ path: p.name, network: objectName(runId, p.name), address: hostAddress(subnetOf(p.name), h.index) })),
    };
  });
  return { runId, topology: plan.name, image: input.image, agentPath: AGENT_PATH, networks, hosts };
}
