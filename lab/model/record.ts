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
  kind: 'cut' | 'restore' | 'impair' | 'fault' | 'unfault';
  path: string;
  /** cut: down | blackhole; fault: its mode (rewrite, strip-options, drop-syn-mptcp, reset). */
  mode?: 'down' | 'blackhole' | 'rewrite' | 'strip-options' | 'drop-syn-mptcp' | 'reset';
  plannedMs: number;
  /** When its command returned, on the lab clock (ms from the traffic start). */
  actualMs: number;
  detail?: string;
  /**
   * Whether the event was seen to take effect, read back independently of the command:
   * `down` and its restore by the veths' carrier/operstate, `blackhole` by the path's
   * receive counters stopping (cut) or moving again (restore). Absent: never verified,
   * and checks that depend on the event report an error rather than a verdict.
   */
  verified?: {
    ok: boolean;
    /** When the effect was first observed (ms from the traffic start): checks time failover and recovery from here. */
    effectiveMs?: number;
    /** What was read, for the report: `vethab12 operstate down, carrier 0 (after 3 ms)`. */
    evidence: string;
  };
}

/** How the sampler fared: its errors and missed ticks are part of the record, never dropped. */
export interface SamplingRecord {
  intervalMs: number;
  /** Samples taken. */
  samples: number;
  /** Ticks skipped because the previous sample was still running (or the event loop was late). */
  skippedTicks: number;
  /** Samples that failed (a counter file unreadable, say), with when and why. */
  errors: Array<{ tMs: number; message: string }>;
  /** Stretches longer than 2 × the interval with no sample, on the lab clock. */
  gaps: Array<{ fromMs: number; toMs: number }>;
  /**
   * The per-subflow reader (subflowSeries): which one (sock_diag lookups by id, or ss; with
   * the reason when it fell back to ss), read every `every`-th sample; reads, those that
   * dumped the table, reads skipped because the previous one still ran, failed ones; its CPU
   * ms over the traffic.
   */
  subflows?: { reader?: 'sock_diag' | 'ss'; fallback?: string; every: number; reads: number; dumps?: number; skipped: number; failed: number; firstError?: string; sessionCpuMs: number };
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
  /** Most subflows seen established at once on the connection under test (not other connections on the port). */
  maxSubflows: number;
  /** MP_JOIN handshakes that completed during the run (server MPJoinAckRx, else client MPJoinSynAckRx). */
  joins: number;
  /**
   * The connection under test as the kernel showed it (`ss -tiM` in the namespaces during the
   * traffic): whether an MPTCP socket carried it, how many TCP subflows it had, and whether
   * the kernel flagged it as fallen back. Absent when no snapshot could be read.
   */
  connection?: {
    /** An MPTCP socket on the traffic's port was seen (with protocol tcp this means the "TCP" run really ran MPTCP). */
    mptcp: boolean;
    /** TCP subflows listed under that MPTCP socket's token (max over snapshots). */
    subflows: number;
    /** ss printed the fallback flag for it. */
    fallback: boolean;
    /** Which snapshots it came from: `pc1 at 1.30 s, pc2 at 1.31 s`. */
    source: string;
  };
  /** Human reason for the verdict. */
  reason: string;
}

/**
 * One subflow's TCP state over time, as the kernel reported it (ss / tcp_info) on `host`.
 * The arrays share t's index; a subflow absent from a reading (not yet joined, or gone) has
 * no sample then. null: ss printed no such figure in that reading.
 */
export interface SubflowSeries {
  host: string;
  /** The path its address is on ('' when no path has it). */
  path: string;
  /** `10.180.3.2:8080`, `10.180.3.3:53164`: the subflow's endpoints as seen from `host`. */
  local: string;
  remote: string;
  /** The MPTCP local address id (0: the initial subflow); absent on plain TCP. */
  localId?: number;
  /** The MPTCP connection's token on `host`: tells the connection under test from others on the port (iperf3's control connection). */
  token?: string;
  t: number[];
  /** Smoothed RTT, ms. */
  rttMs: Array<number | null>;
  /** Congestion window, segments. */
  cwnd: Array<number | null>;
  /** Retransmission timeout, ms. */
  rtoMs: Array<number | null>;
  /** Segments retransmitted so far (tcpi_total_retrans). */
  retrans: number[];
  /** RTO backoff exponent (0: none). */
  backoff: number[];
  /** Bytes the peer acknowledged so far (tcpi_bytes_acked). */
  bytesAcked: number[];
  /** Segments sent and not yet acknowledged (tcpi_unacked); absent in records made before it was kept. */
  unacked?: number[];
  /** ss's state word: `ESTAB`, ... */
  state: string[];
}

/** MPTcpExt counters of one host over time: each array shares t's index; values count from the first reading. */
export interface MptcpCounterSeries {
  t: number[];
  /** `MPTCPRetrans` (reinjections), `SubflowStale`, `SubflowRecover`, ... */
  counters: Record<string, number[]>;
}

export interface RunRecord {
  runId: string;
  topology: string;
  startedAt: string;
  plan: Plan;
  environment: Record<string, string | number | boolean>;
  /** Sampling interval of the series, ms. */
  intervalMs: number;
  /** The sampler's own account: samples, skipped ticks, errors, gaps (absent in records made before it existed). */
  sampling?: SamplingRecord;
  /**
   * How loaded the machine was over the traffic (lab/observe/host-cpu.ts): host CPU idle and
   * steal from /proc/stat, each container's CPU from its cgroup, as % of one core. cpuBound
   * says the figures measured the machine: throughout (`sustained`: idle < 10%, or a container
   * ≥ 90% of a core over the traffic) or at times (a container ≥ 95% over one 500 ms stretch).
   */
  hostLoad?: {
    durationMs: number;
    cores: number;
    idlePct: number;
    stealPct: number;
    containers: Record<string, { cpuPctOfCore: number; peakPctOfCore: number }>;
    cpuBound: boolean;
    /** The machine was the limit over the whole traffic, not only at its busiest moments. */
    sustained?: boolean;
    reason: string;
  };
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
  /** `untimed`: the line had no timestamp (printk.time=0); tMs is when the log was read. */
  kernelLog: Array<{ tMs: number; line: string; error: boolean; untimed?: boolean }>;
  /** Subflow snapshots (`ss -tiM` text) taken at moments of interest. */
  snapshots: Array<{ tMs: number; host: string; label: string; text: string }>;
  /**
   * Per-subflow TCP state of the connection under test over time (lab/observe/subflow-stats.ts:
   * `ss -tin` in the sender's namespace, run from the Docker host), one entry per subflow.
   * Absent when not sampled (records made before it existed, or the reader was not enabled).
   */
  subflowSeries?: SubflowSeries[];
  /**
   * MPTcpExt counters over the traffic per host, on the path sampler's clock (every Nth
   * sample): values since the first reading (lab/observe/pass-subflows.ts COUNTER_SERIES).
   */
  mptcpSeries?: Record<string, MptcpCounterSeries>;
  /** Plain-TCP baseline of the same traffic, when asked for (--baseline tcp). */
  /** `invalid`: why no gain can be stated (the plain-TCP pass used MPTCP); gainRatio is then NaN. */
  baseline?: { protocol: 'tcp'; goodputBps: number; gainRatio: number; invalid?: string };
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
