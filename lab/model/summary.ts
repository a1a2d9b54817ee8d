/**
 * The summary of several runs (a matrix of variants, each run one or more times), as
 * lab/run/repeat.ts computes it and the matrix-* writers print it. The types live here
 * because lab/report may import nothing but the model.
 */
import type { CheckResult, CheckStatus } from './record';

/** A figure over the runs of one variant; only runs that measured it count (`n`). */
export interface FigureStats {
  min: number;
  median: number;
  max: number;
  n: number;
  /** `bit/s`, `ms`, `bytes`, `count`, or a check's own unit. */
  unit: string;
}

/** What a check did over the runs of one variant. */
export interface CheckTally {
  kind: CheckResult['kind'];
  /** The bound as the first run stated it. */
  expected: string;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** Passed in some runs and failed (or errored) in others. */
  flaky: boolean;
  /** `flaky` wins over `fail`; `skipped` only when every run skipped it. */
  verdict: 'pass' | 'fail' | 'flaky' | 'skipped';
  /** One entry per run, in run order. */
  runs: Array<{ status: CheckStatus; measured: string; message: string }>;
}

/** One run of a variant. */
export interface RunRef {
  runId: string;
  startedAt: string;
  /** The run's own report folder, when the caller gave it. */
  outDir?: string;
  /** 0 when every check passed (or was skipped) in this run. */
  exitCode: 0 | 1;
  /** The engine that ran it (its context name or URL, `default` for DOCKER_HOST or the local socket). */
  engine?: string;
  /** Its cell in the sweep (0-based; lab/run/shard.ts). */
  cell?: number;
}

/** How many cells an engine gave a result for. */
export interface EngineUsage {
  name: string;
  endpoint: string;
  /** The machine the lab process ran on. */
  host: string;
  cells: number;
}

/** A cell whose engine failed and which then ran on another. */
export interface CellMove {
  cell: number;
  label: string;
  run: number;
  from: string;
  to: string;
  reason: string;
}

/** A cell no folder or log delivered (a shard or a pod that failed): it fails the summary. */
export interface MissingCell {
  cell: number;
  label: string;
  run: number;
  reason?: string;
}

/** Check names counted by verdict. */
export interface VerdictCounts {
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
}

export interface VariantSummary {
  /** `rate=100mbit loss=1%`, or `base` for the plan as written. */
  label: string;
  runs: RunRef[];
  /**
   * Keys: `goodput`, `aggregate` (mean link throughput), `failover time:<check>`,
   * `recovery time:<check>`, `check:<check>` (each check's value), `maxSubflows`,
   * `bytesReceived`, `duration`.
   */
  figures: Record<string, FigureStats>;
  /** By check name, in the order the checks first appeared. */
  checks: Record<string, CheckTally>;
  counts: VerdictCounts;
  /** 0 only when every check passed (or was skipped) in every run. */
  exitCode: 0 | 1;
}

export interface RunsSummary {
  topology: string;
  /** Runs over all variants. */
  runs: number;
  /** More than one run of some variant: ranges and flaky checks mean something. */
  repeated: boolean;
  /** In the order the variants first appeared. */
  variants: VariantSummary[];
  /** 0 only when every check passed in every run of every variant; a flaky check fails; a missing cell fails. */
  exitCode: 0 | 1;
  /** Set when the summary was made from the cells' folders (lab/run/shard.ts): cells expected and found. */
  cells?: { total: number; found: number };
  /** Which engines ran the cells (one entry for a run on one engine). */
  engines?: EngineUsage[];
  /** Cells that ran elsewhere after their engine failed. */
  moves?: CellMove[];
  missing?: MissingCell[];
}
