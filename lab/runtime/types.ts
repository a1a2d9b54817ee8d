/**
 * The narrow runtime interface. lab/runtime/docker/* implements it with Docker; a future
 * network-namespace runtime implements the same. Everything outside lab/runtime talks to
 * hosts only through these types.
 */
import type { Impairment, Plan, PlanFault } from '../model/plan';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, then closed. */
  stdin?: string;
  /** Kill after this long; the error says what was awaited. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** A long-lived command in a host whose stdout arrives line by line. */
export interface StreamHandle {
  /** Called for each stdout line, with the lab-clock time it arrived. */
  onLine(listener: (line: string, tMs: number) => void): void;
  /** Resolves when the command exits. */
  readonly done: Promise<ExecResult>;
  /** Stops the command (kills it in the host) and waits for it. */
  stop(): Promise<ExecResult>;
}

/** Runs argv in a host. Never a shell string built from values. */
export type ExecFn = (host: string, argv: readonly string[], opts?: ExecOptions) => Promise<ExecResult>;

export interface LabInterface {
  path: string;
  /** Interface name inside the host, found by address. */
  ifname: string;
  address: string;
  prefixLength: number;
  /** Host-side veth name (in the root namespace). */
  hostVeth: string;
}

export interface LabHost {
  name: string;
  role: 'server' | 'client';
  containerId: string;
  containerName: string;
  /** PID of the host's init in the root pid namespace: /proc/PID/net/* is the host's network namespace. */
  pid: number;
  /** By path name. */
  interfaces: Record<string, LabInterface>;
}

export interface LabPath {
  name: string;
  subnet: string;
  networkId: string;
  networkName: string;
}

/** What was applied for each direction of a path (tc or nftables), for the record. */
export interface AppliedShaping {
  path: string;
  host: string;
  impairment: Impairment;
  /** `tbf`, `netem`, `tbf+netem`, `nft-loss`, `none`. */
  mechanism: string;
}

/** A lab that is up. Dispose it (or call stop) and everything it created is gone. */
export interface RunningLab extends AsyncDisposable {
  readonly runId: string;
  /** Which runtime brought it up (result.json records it); absent means docker. */
  readonly runtime?: 'docker' | 'netns' | 'vm';
  readonly plan: Plan;
  readonly hosts: Readonly<Record<string, LabHost>>;
  readonly paths: Readonly<Record<string, LabPath>>;
  readonly shaping: readonly AppliedShaping[];
  exec: ExecFn;
  /** Starts a long-lived command (a monitor, a server, a transfer). */
  stream(host: string, argv: readonly string[], opts?: ExecOptions): Promise<StreamHandle>;
  /** Cuts a path: `down` sets the host side of every veth on it down (NO-CARRIER); `blackhole` drops all packets, carrier up. */
  cut(path: string, mode: 'down' | 'blackhole'): Promise<void>;
  /** Undoes a cut. */
  restore(path: string): Promise<void>;
  /** Replaces a path's impairment (both directions, or only traffic leaving `from`). */
  impair(path: string, set: Impairment, from?: string): Promise<void>;
  /**
   * Puts a middlebox fault on a path (nftables rules in the hosts receiving the faulted
   * traffic: lab/tc/faults.ts), replacing the path's fault in force, or takes it off (null).
   * With `check`, only asks nft in those hosts whether the rules can be made (nft -c),
   * changing nothing, and throws EnvironmentError (exit 3) naming what is missing.
   * Optional: a runtime without it cannot run a timeline with faults (the run says so).
   */
  fault?(path: string, fault: PlanFault | null, opts?: { check?: boolean }): Promise<void>;
  /** Removes every container and network of the lab. Idempotent. */
  stop(): Promise<void>;
}

/** Labels every object of a lab carries; `npm run lab -- clean` finds leftovers by them. */
export const LABELS = {
  project: 'io.mptcp-lab.project',
  runId: 'io.mptcp-lab.run-id',
  topology: 'io.mptcp-lab.topology',
  role: 'io.mptcp-lab.role',
  owner: 'io.mptcp-lab.owner-pid',
} as const;
