/**
 * What a run recorded (RunRecord) and what the checks concluded (CheckResult).
 * lab/run fills a RunRecord; lab/checks reads it (pure); lab/report writes both.
 * Time is in milliseconds from the start of the traffic (t = 0), on the lab's clock.
 */
import type { Plan, PlanCheck } from './plan';

/** A sampled series: t[i] (ms) and v[i] share an index. */
export interface Series {
  t: number[];
  v: number[];
  unit: 'bit/s' | 'count' | 'bytes';
}

/** Per-path throughput in the data direction (sender → receiver), from the host side of the receiver's veth. */
export interface PathSeries extends Series {
  path: string;
  from: string;
  to: string;
  /** Bytes carried over the whole run in the data direction (counter delta). */
  totalBytes: number;
  /** Bytes carried in the reverse direction (ACKs, mostly). */
  reverseBytes: number;
}

export interface RecordedEvent {
  kind: 'cut' | 'restore' | 'impair';
  path: string;
  mode?: 'down' | 'blackhole';
  plannedMs: number;
  /** When it took effect (the command returned), on the lab clock. */
  actualMs: number;
  detail?: string;
}

export interface TrafficOutcome {
  tool: 'http' | 'iperf3' | 'transfer';
  protocol: 'mptcp' | 'tcp';
  sender: string;
  receiver: string;
  /** Bytes the plan asked for (size-based traffic). */
  bytesExpected?: number;
  /** Bytes the receiving application got. */
  bytesReceived: number;
  startedMs: number;
  endedMs: number;
  completed: boolean;
  /** SHA-256 check; null when the tool cannot verify (iperf3). */
  integrity: { expected: string; actual: string; ok: boolean } | null;
  /** http: how many times the download was resumed with wget -c. */
  resumes: number;
  /** Application goodput over the whole transfer, bits/s. */
  goodputBps: number;
  /** The tool's own error output when it failed. */
  error?: string;
}

/** Whether MPTCP was really used, from counters on both ends. */
export interface MptcpVerdict {
  /** MPCapable handshake seen on the client (active) and server (passive) side. */
  clientCapable: boolean;
  serverCapable: boolean;
  /** Fallback to TCP seen (counters or socket state). */
  fellBack: boolean;
  /** Most subflows seen established at once, over all sockets of the traffic. */
  maxSubflows: number;
  /** Human reason for the verdict. */
  reason: string;
}

export interface RunRecord {
  runId: string;
  topology: string;
  startedAt: string;
  plan: Plan;
  environment: Record<string, string | number | boolean>;
  /** Sampling interval of the series, ms. */
  intervalMs: number;
  paths: PathSeries[];
  /** Sum of the paths' series: link throughput, headers included. */
  aggregate: Series;
  /**
   * Application goodput over time (payload bytes the receiving application got), from the
   * transfer agent's progress, iperf3's intervals, or the growth of wget's output file.
   */
  goodput: Series;
  /** Established subflows (TCP sockets of the traffic) over time, all paths. */
  subflows: Series;
  /** Established subflows per path over time. */
  subflowsPerPath: Record<string, Series>;
  events: RecordedEvent[];
  traffic: TrafficOutcome;
  mptcp: MptcpVerdict;
  /** MPTcpExt counter deltas over the run, per host. */
  counters: Record<string, Record<string, number>>;
  /** `ip mptcp monitor` lines, per host, timestamped on arrival. */
  monitor: Array<{ tMs: number; host: string; line: string }>;
  /** Kernel log lines mentioning MPTCP during the run. */
  kernelLog: Array<{ tMs: number; line: string; error: boolean }>;
  /** Subflow snapshots (`ss -tiM` text) taken at moments of interest. */
  snapshots: Array<{ tMs: number; host: string; label: string; text: string }>;
  /** Plain-TCP baseline of the same traffic, when asked for (--baseline tcp). */
  baseline?: { protocol: 'tcp'; goodputBps: number; gainRatio: number };
  notes: string[];
}

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** A further number behind a verdict (the failover time beside the mean goodput, a path's mean). */
export interface CheckDetail {
  name: string;
  value: number;
  unit: string;
  bound?: number;
}

export interface CheckResult {
  /** Stable name, e.g. `aggregate`, `failover:vlan181`. */
  name: string;
  kind: PlanCheck['kind'];
  status: CheckStatus;
  /** The bound, human readable: `≥ 1.70 Gbit/s (85% of 2.00 Gbit/s)`. */
  expected: string;
  /** What was measured, human readable: `1.86 Gbit/s`. */
  measured: string;
  /** The numbers behind them, in the unit given. */
  bound?: number;
  value?: number;
  unit?: string;
  /** One line saying what happened. */
  message: string;
  /** Further numbers behind the verdict, for result.json and the report. */
  details?: CheckDetail[];
}
