/**
 * Several runs summarized: per variant (label), min/median/max of every measured figure and
 * each check's verdicts over the runs; a check that passed only sometimes is flaky, and a
 * flaky check fails the whole (a lab that passes one time in three does not pass). Pure.
 */
import { TopologyError } from '../model/errors';
import type { CheckResult, RunRecord } from '../model/record';
import type { CheckTally, FigureStats, RunsSummary, VariantSummary, VerdictCounts } from '../model/summary';

/** At most this many runs per variant: a repeat is for flakiness, not a soak test. */
export const MAX_REPEAT = 100;

/** One finished run, as the CLI loop collects it (a RunOutcome with the variant's label). */
export interface LabelledRun {
  label: string;
  record: RunRecord;
  checks: readonly CheckResult[];
  outDir?: string;
}

/** `--repeat 5` → 5; a TopologyError located at `--repeat` otherwise (exit 2). */
export function parseRepeatArg(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT) {
    throw new TopologyError([{ file: '--repeat', path: '', message: `expected a whole number of runs from 1 to ${MAX_REPEAT}, got "${text}"` }]);
  }
  return n;
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** min/median/max of the finite values; undefined when there is none. */
export function figureStats(values: readonly number[], unit: string): FigureStats | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  return { min: Math.min(...finite), median: median(finite), max: Math.max(...finite), n: finite.length, unit };
}

/** Summarizes runs grouped by label (in first-appearance order) and gives the overall exit code. */
export function summarizeRuns(outcomes: readonly LabelledRun[]): RunsSummary {
  const groups = new Map<string, LabelledRun[]>();
  for (const o of outcomes) groups.set(o.label, [...(groups.get(o.label) ?? []), o]);
  const variants = [...groups].map(([label, runs]) => summarizeVariant(label, runs));
  return {
    topology: outcomes[0]?.record.topology ?? '',
    runs: outcomes.length,
    repeated: variants.some((v) => v.runs.length > 1),
    variants,
    exitCode: variants.some((v) => v.exitCode !== 0) ? 1 : 0,
  };
}

const passed = (checks: readonly CheckResult[]) => checks.every((c) => c.status === 'pass' || c.status === 'skipped');

function summarizeVariant(label: string, runs: readonly LabelledRun[]): VariantSummary {
  const figures = collectFigures(runs);
  const checks = tallyChecks(runs);
  const counts: VerdictCounts = { passed: 0, failed: 0, flaky: 0, skipped: 0 };
  const key = { pass: 'passed', fail: 'failed', flaky: 'flaky', skipped: 'skipped' } as const;
  for (const t of Object.values(checks)) counts[key[t.verdict]]++;
  const refs = runs.map((r) => ({
    runId: r.record.runId,
    startedAt: r.record.startedAt,
    ...(r.outDir !== undefined ? { outDir: r.outDir } : {}),
    exitCode: passed(r.checks) ? (0 as const) : (1 as const),
  }));
  return { label, runs: refs, figures, checks, counts, exitCode: refs.every((r) => r.exitCode === 0) ? 0 : 1 };
}

/** The figures of one run, in display order; a check's time details are keyed `<detail>:<check>`. */
function runFigures(record: RunRecord, checks: readonly CheckResult[]): Array<[string, number | undefined, string]> {
  const t = record.traffic;
  const agg = record.aggregate.v;
  const out: Array<[string, number | undefined, string]> = [
    ['goodput', t.goodputBps, 'bit/s'],
    ['aggregate', agg.length ? agg.reduce((s, v) => s + v, 0) / agg.length : undefined, 'bit/s'],
  ];
  for (const c of checks) {
    for (const d of c.details ?? []) if (/ time$/.test(d.name)) out.push([`${d.name}:${c.name}`, d.value, d.unit]);
  }
  for (const c of checks) out.push([`check:${c.name}`, c.value, c.unit ?? '']);
  out.push(['maxSubflows', record.mptcp.maxSubflows, 'count'], ['bytesReceived', t.bytesReceived, 'bytes'], ['duration', t.endedMs - t.startedMs, 'ms']);
  return out;
}

function collectFigures(runs: readonly LabelledRun[]): Record<string, FigureStats> {
  const values = new Map<string, { unit: string; values: number[] }>();
  for (const r of runs) {
    for (const [key, value, unit] of runFigures(r.record, r.checks)) {
      const entry = values.get(key) ?? { unit, values: [] };
      if (value !== undefined) entry.values.push(value);
      values.set(key, entry);
    }
  }
  const out: Record<string, FigureStats> = {};
  for (const [key, { unit, values: v }] of values) {
    const stats = figureStats(v, unit);
    if (stats) out[key] = stats;
  }
  return out;
}

function tallyChecks(runs: readonly LabelledRun[]): Record<string, CheckTally> {
  const out: Record<string, CheckTally> = {};
  for (const r of runs) {
    for (const c of r.checks) {
      const t = (out[c.name] ??= { kind: c.kind, expected: c.expected, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: false, verdict: 'skipped', runs: [] });
      if (c.status === 'pass') t.passed++;
      else if (c.status === 'fail') t.failed++;
      else if (c.status === 'error') t.errors++;
      else t.skipped++;
      t.runs.push({ status: c.status, measured: c.measured, message: c.message });
    }
  }
  for (const t of Object.values(out)) {
    const bad = t.failed + t.errors;
    t.flaky = t.passed > 0 && bad > 0;
    t.verdict = t.flaky ? 'flaky' : bad > 0 ? 'fail' : t.passed > 0 ? 'pass' : 'skipped';
  }
  return out;
}
