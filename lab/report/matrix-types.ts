/**
 * The summary of several runs (a matrix of variants, each run one or more times), as
 * lab/run/repeat.ts computes it and the matrix-* writers print it. The types live here
 * because lab/report may import nothing but the model.
 */
import type { CheckResult, CheckStatus } from '../model/record';

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
  /** 0 only when every check passed in every run of every variant; a flaky check fails. */
  exitCode: 0 | 1;
}
